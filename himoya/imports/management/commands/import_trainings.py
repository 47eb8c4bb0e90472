"""``himoya import-trainings PATH [--org SLUG] [--dry-run]`` (shared/interchange.md)."""

from __future__ import annotations

from typing import Any

from himoya.imports.management.commands.import_cases import ImportCommand
from himoya.imports.services import ImportResult
from himoya.imports.trainings import import_trainings


class Command(ImportCommand):
    help = "Imports the register of trainings and seminars (CSV or XLSX); all or nothing."
    label = "cli:import-trainings"

    def run_import(self, **kwargs: Any) -> ImportResult:
        return import_trainings(**kwargs)
