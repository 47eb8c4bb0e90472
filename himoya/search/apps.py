from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "himoya.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from himoya.search import events  # noqa: F401
