from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "himoya.duty"
    label = "duty"
    verbose_name = _("Duty roster")

    def ready(self) -> None:
        from himoya.duty import (
            events,  # noqa: F401  (declares the roster's events)
            policies,  # noqa: F401
        )
