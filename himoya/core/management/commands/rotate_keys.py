from typing import Any

from django.core.management.base import BaseCommand

from himoya.core.policies import SystemActor
from himoya.core.rotation import rotate_all


class Command(BaseCommand):
    help = (
        "Re-encrypts every encrypted field and stored file under the first key of "
        "HIMOYA_DATA_KEYS (with --reindex also recomputes blind indexes and the search "
        "index). Run it after "
        "putting a new key first; remove the old key once it reports nothing left."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--reindex",
            action="store_true",
            help="also recompute every blind index and the search index (after changing "
            "HIMOYA_INDEX_KEY)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = rotate_all(
            actor=SystemActor("cli:rotate-keys"),
            batch_size=options["batch_size"],
            reindex=options["reindex"],
            progress=lambda label: self.stdout.write(label),
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"re-encrypted {report.values} values in {report.rows} rows and "
                f"{report.files} files, {report.documents} search documents rebuilt; "
                f"primary key {report.primary_id}"
            )
        )
        if report.unbound_files:
            self.stderr.write(
                f"{report.unbound_files} files named by records are not bound to them "
                "(restored from before the migration that bound them, or put there): "
                "they are refused as damaged and were left as they are"
            )
