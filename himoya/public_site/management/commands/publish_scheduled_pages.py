"""``himoya publish-scheduled-pages``: publish the public pages whose time has come (and
unpublish expired ones) now, or with ``--queue`` put a run on the worker's queue."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Publish the public site's pages scheduled for now or earlier."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--queue", action="store_true", help="queue it for the worker")

    def handle(self, *args: Any, queue: bool = False, **options: Any) -> None:
        from himoya.public_site.tasks import scheduled_pages_enqueue, scheduled_pages_publish

        if queue:
            queued = scheduled_pages_enqueue()
            self.stdout.write("queued" if queued else "already waiting")
            return
        scheduled_pages_publish.call()
        self.stdout.write("done")
