"""The test suite's database engine: the project's (embedded cluster, or PostgreSQL's own
engine for a ``DATABASE_URL``) with one change. Transactional tests empty every table
afterwards with TRUNCATE, which the audit table refuses (core migration 0004); the suite
connects as a superuser, so it empties the tables with triggers off, as a replica does
(``session_replication_role``, which only a superuser may set), for that transaction only."""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql import base as postgresql
from django.db.backends.postgresql import operations

from himoya.core.embedded_db import base as embedded


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, *args: Any, **kwargs: Any) -> list[str]:
        statements = super().sql_flush(*args, **kwargs)
        # execute_sql_flush runs the statements in one transaction: SET LOCAL ends with it.
        return ["SET LOCAL session_replication_role = replica", *statements] if statements else []


class DatabaseWrapper(embedded.DatabaseWrapper):
    ops_class = DatabaseOperations

    def get_connection_params(self) -> dict[str, Any]:
        if "embedded_datadir" in self.settings_dict["OPTIONS"]:
            return super().get_connection_params()
        return postgresql.DatabaseWrapper.get_connection_params(self)
