from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferenceConfig(AppConfig):
    name = "himoya.reference"
    label = "reference"
    verbose_name = _("Reference data")

    def ready(self) -> None:
        from himoya.reference import (
            events,  # noqa: F401  (declares the reference data's events)
            policies,  # noqa: F401
        )
