from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicSiteConfig(AppConfig):
    name = "himoya.public_site"
    label = "public_site"
    verbose_name = _("Public site")

    def ready(self) -> None:
        from himoya.documentation.signals import consent_revoked
        from himoya.public_site import (  # noqa: F401
            cms_audit,
            content_roles,
            editing,
            events,
            panels,
            policies,
            story_services,
        )

        consent_revoked.connect(story_services.on_consent_revoked, dispatch_uid="stories")
        cms_audit.connect()
