from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from himoya.accounts.models import Organisation
from himoya.core.events import record_event
from himoya.core.policies import SystemActor
from himoya.evidence.verify import verify_evidence

REASONS = {
    "mismatch": "its SHA-256 differs from the one recorded on receipt",
    "size": "its size differs from the one recorded on receipt",
    "unreadable": "the stored file does not decrypt (altered, cut, moved or under a missing key)",
    "missing": "the stored file is missing",
}


class Command(BaseCommand):
    help = (
        "Re-hashes every stored evidence original (decrypting as it streams) against the "
        "SHA-256 recorded on receipt; exits non-zero naming each item that does not match "
        "or cannot be read."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--case", metavar="NUMBER", help="only this case's items")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        report = verify_evidence(options["case"])
        seconds = max(time.monotonic() - started, 1e-9)
        actor = SystemActor("cli:verify-evidence")
        for problem in report.problems:
            self.stderr.write(f"FAILED {problem.describe()}: {REASONS[problem.reason]}")
            with transaction.atomic():
                record_event(
                    actor=actor,
                    action="evidence.mismatch",
                    obj=problem.item,
                    organisation=Organisation(pk=problem.item.organisation_id),
                    data={"item": problem.item.pk, "problem": problem.reason},
                )
        self.stdout.write(
            f"Checked {report.checked} evidence items "
            f"({report.bytes / 1e6:.1f} MB in {seconds:.1f} s); "
            f"{len(report.problems)} failed."
        )
        if not report.ok:
            raise CommandError(f"{len(report.problems)} evidence items failed verification")
