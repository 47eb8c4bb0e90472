from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LitigationConfig(AppConfig):
    name = "himoya.litigation"
    label = "litigation"
    verbose_name = _("Litigation and remedies")

    def ready(self) -> None:
        from himoya.litigation import events, panels  # noqa: F401
