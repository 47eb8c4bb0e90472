from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "himoya.evidence"
    label = "evidence"
    verbose_name = _("Evidence")

    def ready(self) -> None:
        from himoya.documentation import photos
        from himoya.evidence import events, panels, policies  # noqa: F401
        from himoya.evidence.findings import SOURCE

        photos.register(SOURCE)
