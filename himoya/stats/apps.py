from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "himoya.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from himoya.stats import events, panels, policies  # noqa: F401
