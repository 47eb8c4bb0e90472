from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "himoya.outreach"
    label = "outreach"
    verbose_name = _("Publications, trainings and offices")

    def ready(self) -> None:
        from himoya.outreach import events, policies  # noqa: F401
