"""``himoya import-publications PATH [--org SLUG] [--dry-run]`` (shared/interchange.md)."""

from __future__ import annotations

from typing import Any

from himoya.imports.management.commands.import_cases import ImportCommand
from himoya.imports.services import ImportResult, import_publications


class Command(ImportCommand):
    help = "Imports the register of publications (CSV or XLSX); all or nothing."
    label = "cli:import-publications"

    def run_import(self, **kwargs: Any) -> ImportResult:
        return import_publications(**kwargs)
