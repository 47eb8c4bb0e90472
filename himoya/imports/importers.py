"""Which import function reads each kind of register. The staff page's jobs
(``imports.jobs``, ``imports.tasks``) look the function up here and the CLI commands
call the same ones, so a register is checked and written by one definition whichever
way it arrives."""

from __future__ import annotations

from collections.abc import Callable

from himoya.imports.models import ImportJob
from himoya.imports.services import ImportResult, import_cases, import_publications
from himoya.imports.trainings import import_trainings

IMPORTERS: dict[str, Callable[..., ImportResult]] = {
    ImportJob.Kind.CASES: import_cases,
    ImportJob.Kind.PUBLICATIONS: import_publications,
    ImportJob.Kind.TRAININGS: import_trainings,
}
