from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "himoya.imports"
    label = "imports"
    verbose_name = _("Register imports")

    def ready(self) -> None:
        from himoya.imports import events, policies  # noqa: F401
