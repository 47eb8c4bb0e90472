from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentationConfig(AppConfig):
    name = "himoya.documentation"
    label = "documentation"
    verbose_name = _("Documentation (Istanbul Protocol)")

    def ready(self) -> None:
        from himoya.documentation import events, panels, policies  # noqa: F401
