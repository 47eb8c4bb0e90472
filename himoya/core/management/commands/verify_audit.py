from typing import Any

from django.core.management.base import BaseCommand, CommandError

from himoya.core.audit import verify_chain


class Command(BaseCommand):
    help = "Re-computes the audit chain; exits non-zero naming the first broken event."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(f"audit chain broken at event #{report.broken_seq}: {report.reason}")
        if report.head_seq is None:
            self.stdout.write("audit chain is empty")
            return
        self.stdout.write(
            f"audit chain intact: {report.checked} events; head #{report.head_seq} "
            f"{report.head_hash}"
        )
        self.stdout.write("Keep the head hash somewhere off this server to detect a cut tail.")
