"""``runserver`` that refuses DEBUG on an address other machines can reach."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.staticfiles.management.commands.runserver import Command as StaticRunserver
from django.core.management.base import CommandError

from himoya.core.env import is_loopback_host


class Command(StaticRunserver):
    addr: str  # set by runserver's handle() from its argument

    def run(self, **options: Any) -> None:
        # self.addr is runserver's parsed address (127.0.0.1 when none was given).
        if settings.DEBUG and not is_loopback_host(self.addr):
            raise CommandError(
                f"DEBUG is on: refusing to serve on {self.addr}, which other machines can "
                "reach. Serve on 127.0.0.1, or turn DEBUG off (HIMOYA_DEBUG=0)."
            )
        super().run(**options)
