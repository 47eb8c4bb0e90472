from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicSiteConfig(AppConfig):
    name = "himoya.public_site"
    label = "public_site"
    verbose_name = _("Public site")

    def ready(self) -> None:
        from himoya.public_site import cms_audit, editing, events  # noqa: F401

        cms_audit.connect()
