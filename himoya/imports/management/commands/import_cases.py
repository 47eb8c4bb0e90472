"""``himoya import-cases PATH [--org SLUG] [--dry-run]`` (shared/interchange.md)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.utils.translation import gettext as _

from himoya.core.policies import SystemActor
from himoya.imports.reading import ImportInvalid
from himoya.imports.services import (
    ImportResult,
    OrganisationChoice,
    import_cases,
    organisation_for_import,
)


class ProgressBar:
    """A plain-text bar on stderr: redrawn in place on a terminal, a line every tenth
    of the way otherwise (logs, CI)."""

    WIDTH = 30

    def __init__(self, stream: OutputWrapper) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.phase = ""
        self.last_tenth = -1
        self.started = time.monotonic()

    def __call__(self, phase: str, done: int, total: int) -> None:
        label = {"check": _("checking"), "write": _("writing"), "index": _("indexing")}.get(
            phase, phase
        )
        total = max(total, done, 1)
        if phase != self.phase:
            if self.phase and self.tty:
                self.stream.write("")
            self.phase, self.last_tenth, self.started = phase, -1, time.monotonic()
        filled = self.WIDTH * done // total
        line = "%-9s [%s%s] %s/%s  %.0fs" % (  # noqa: UP031
            label,
            "#" * filled,
            "." * (self.WIDTH - filled),
            f"{done:,}",
            f"{total:,}",
            time.monotonic() - self.started,
        )
        if self.tty:
            self.stream.write("\r" + line, ending="")
        elif done * 10 // total != self.last_tenth:
            self.last_tenth = done * 10 // total
            self.stream.write(line)
        self.stream.flush()

    def close(self) -> None:
        if self.tty and self.phase:
            self.stream.write("")
            self.stream.flush()


def report_invalid(command: BaseCommand, exc: ImportInvalid) -> CommandError:
    for error in exc.errors:
        where = (_("line %(line)s, column %(column)s") if error.column else _("line %(line)s")) % {
            "line": error.line,
            "column": error.column,
        }
        command.stderr.write(f"{where}: {error.reason}")
    lines = len({e.line for e in exc.errors})
    return CommandError(
        _("%(count)s problem(s) on %(lines)s line(s); nothing was imported.")
        % {"count": len(exc.errors), "lines": lines}
    )


def report_done(command: BaseCommand, result: ImportResult) -> None:
    if result.dry_run:
        message = _(
            "The file is valid: %(rows)s rows (%(created)s would be created, %(updated)s "
            "would be updated, %(unchanged)s unchanged). Nothing was written (--dry-run)."
        )
    elif result.kind != "cases":
        message = _(
            "Imported %(rows)s rows: %(created)s created, %(updated)s updated, "
            "%(unchanged)s unchanged."
        )
    else:
        message = _(
            "Imported %(rows)s rows: %(created)s created, %(updated)s updated, "
            "%(unchanged)s unchanged; %(facilities_added)s places of detention and "
            "%(regions_added)s regions added to the registries (unverified)."
        )
    command.stdout.write(message % result.counts())


class ImportCommand(BaseCommand):
    """What ``import-cases`` and ``import-publications`` share: the organisation chosen
    by ``--org``, the progress bar, the report of bad rows or of the result."""

    label = "cli:import"

    def run_import(self, **kwargs: Any) -> ImportResult:
        raise NotImplementedError

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
            result = self.run_import(
                actor=SystemActor(self.label),
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


class Command(ImportCommand):
    help = "Imports a case register (CSV or XLSX) into an organisation; all or nothing."
    label = "cli:import-cases"

    def run_import(self, **kwargs: Any) -> ImportResult:
        return import_cases(**kwargs)
