from typing import Any

from django.core.management.base import BaseCommand

from himoya.core.demo_loader import load_demo


class Command(BaseCommand):
    help = (
        "Loads fictional demo data (organisations, staff of every role, and what later "
        "features add). Idempotent: running it again changes nothing."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet", action="store_true", help="do not print the logins")

    def handle(self, *args: Any, **options: Any) -> None:
        summary = load_demo()
        if options["quiet"]:
            return
        self.stdout.write(summary.render())
