from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "himoya.letters"
    label = "letters"
    verbose_name = _("Letters")

    def ready(self) -> None:
        from himoya.cases.services import register_case_texts
        from himoya.letters import events, panels, policies, route_panel  # noqa: F401
        from himoya.letters.ocr import answer_texts_by_case

        register_case_texts(answer_texts_by_case)
