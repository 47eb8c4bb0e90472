from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "himoya.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from himoya.api import events, policies, signals  # noqa: F401
