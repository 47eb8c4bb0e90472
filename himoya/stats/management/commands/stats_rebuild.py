from typing import Any

from django.core.management.base import BaseCommand, CommandError

from himoya.core.policies import SystemActor
from himoya.stats.report import appeal_counts_differences
from himoya.stats.services import appeal_counts_rebuild


class Command(BaseCommand):
    help = (
        "Checks the appeal counts that `himoya stats` reads against the appeals and, unless "
        "--check is given, recomputes them. Triggers keep them exact; run this after a "
        "data-only restore or SQL run with triggers disabled."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="only compare; exit non-zero when a count is wrong",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            found = appeal_counts_differences()
        else:
            found = appeal_counts_rebuild(actor=SystemActor("cli:stats-rebuild"))
        groups, wrong = found
        if options["check"]:
            if wrong:
                raise CommandError(f"appeal counts: {wrong} of {groups} groups are wrong")
            self.stdout.write(f"appeal counts match the appeals: {groups} groups")
            return
        self.stdout.write(f"appeal counts rebuilt: {groups} groups, {wrong} were wrong")
