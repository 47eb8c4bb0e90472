"""``himoya migrate`` as the owner of the tables when ``HIMOYA_MIGRATE_DATABASE_URL`` is
set (himoya/core/db_roles.py); Django's own command otherwise."""

from typing import Any

from django.conf import settings
from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS, connections

from himoya.core.db_roles import owner_settings


class Command(migrate.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        owner = getattr(settings, "HIMOYA_MIGRATE_DATABASE", None)
        if owner and options["database"] == DEFAULT_DB_ALIAS:
            connection = connections[DEFAULT_DB_ALIAS]
            merged = owner_settings(connection.settings_dict, owner)
            # This process only migrates: the default connection becomes the owner's, so
            # data migrations and post-migrate steps (the cache table) run as it too.
            connection.close()
            connection.settings_dict.update(merged)
            if options["verbosity"] >= 1:
                self.stdout.write(f"Migrating as the owner role {merged['USER']!r}")
        super().handle(*args, **options)
