from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "himoya.cases"
    label = "cases"
    verbose_name = _("Appeals and cases")

    def ready(self) -> None:
        from himoya.cases import events, policies  # noqa: F401
        from himoya.cases.services import case_search_items
        from himoya.cases.views import panels  # noqa: F401
        from himoya.search.services import register_source

        register_source("cases.case", case_search_items)
        from himoya.cases.audit_labels import case_numbers, cases_numbered
        from himoya.core import object_labels

        object_labels.register("cases.case", label=case_numbers, find=cases_numbered)
