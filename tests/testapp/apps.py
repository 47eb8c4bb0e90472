from django.apps import AppConfig


class TestappConfig(AppConfig):
    name = "tests.testapp"
    label = "testapp"

    def ready(self) -> None:
        # As an app that adds a section to the case page does it: cases never imports us.
        from tests.testapp import panels  # noqa: F401
