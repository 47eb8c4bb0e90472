"""``himoya import-publications PATH [--org SLUG]`` (shared/interchange.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from himoya.cases.importing import (
    ImportInvalid,
    OrganisationChoice,
    import_publications,
    organisation_for_import,
)
from himoya.cases.management.commands.import_cases import ProgressBar, report_done, report_invalid
from himoya.core.policies import SystemActor


class Command(BaseCommand):
    help = "Imports the register of publications (CSV or XLSX); all or nothing."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path")
        parser.add_argument("--org", default=None, help="the organisation's short name (slug)")
        parser.add_argument("--dry-run", action="store_true", help="validate only")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organisation = organisation_for_import(options["org"])
        except OrganisationChoice as exc:
            raise CommandError(str(exc)) from None
        bar = ProgressBar(self.stderr)
        try:
            result = import_publications(
                actor=SystemActor("cli:import-publications"),
                organisation=organisation,
                source=options["path"],
                dry_run=options["dry_run"],
                progress=bar,
            )
        except ImportInvalid as exc:
            bar.close()
            raise report_invalid(self, exc) from None
        except OSError as exc:
            raise CommandError(str(exc)) from None
        bar.close()
        report_done(self, result)
