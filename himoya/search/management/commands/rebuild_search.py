from typing import Any

from django.core.management.base import BaseCommand, CommandError

from himoya.core.policies import SystemActor
from himoya.search.services import search_rebuild


class Command(BaseCommand):
    help = (
        "Re-tokenises every search document from the decrypted records (after an upgrade "
        "that changes the tokeniser, or a restore). Batches commit one by one: an "
        "interrupted run can simply be started again."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--owner", help="one owner type only, e.g. cases.case")
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--stale",
            action="store_true",
            help="only owner types with documents of an older tokeniser scheme; nothing "
            "when the index is current (what `make run` does after migrating)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = search_rebuild(
                actor=SystemActor("cli:rebuild-search"),
                owner_type=options["owner"],
                batch_size=options["batch_size"],
                stale=options["stale"],
            )
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        if options["stale"] and not counts:
            self.stdout.write("search index: up to date")
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count} documents")
