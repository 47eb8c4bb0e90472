"""``himoya sweep-letter-files``: lists the encrypted files under the letters' upload
path that no letter refers to and that are older than an hour (what a worker killed
before its commit left, ``letters.sweep``); ``--delete`` removes them. Audited either
way with the count."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from himoya.core.policies import SystemActor
from himoya.letters.sweep import sweep_orphans


class Command(BaseCommand):
    help = (
        "Lists letter files no row refers to, older than an hour; --delete removes them. "
        "Dry run by default."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--delete", action="store_true", help="remove the files (without it, only list them)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        delete = bool(options["delete"])
        names = sweep_orphans(actor=SystemActor("cli:sweep-letter-files"), delete=delete)
        for name in names:
            self.stdout.write(name)
        if delete:
            self.stdout.write(f"deleted {len(names)} orphan letter file(s)")
        else:
            self.stdout.write(
                f"found {len(names)} orphan letter file(s); run with --delete to remove them"
            )
