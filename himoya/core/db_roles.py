"""Two database roles: the owner of the tables, which migrations run as, and the role the
application runs as, which may insert and read audit events but not change, remove or
truncate them, nor switch the append-only triggers off (only a table's owner or a
superuser can do that).

``DATABASE_URL`` names the application's role; ``HIMOYA_MIGRATE_DATABASE_URL`` the owner,
which ``himoya migrate`` uses instead (the same database, another role). ``grants_sql``
is what the owner grants the application; ``runtime_role_problems`` is what the deploy
check finds wrong with the role the application connects as.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.base.base import BaseDatabaseWrapper

AUDIT_TABLE = "core_auditevent"
_CONNECTION_KEYS = ("USER", "PASSWORD", "HOST", "PORT", "OPTIONS")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def grants_sql(*, app_role: str, owner_role: str, schema: str = "public") -> list[str]:
    """The statements, run by the owner (or a superuser) after every ``himoya migrate``,
    that let ``app_role`` work: every table, including the task queue
    (``django_tasks_database_dbtaskresult``) and the cache (``himoya_cache``), for reading
    and writing; the audit table for reading and inserting only. The default privileges
    cover tables and sequences the owner creates later; the audit table's are taken back
    after the blanket grant, so running the whole list again is safe."""
    app, owner, space = _ident(app_role), _ident(owner_role), _ident(schema)
    return [
        f"GRANT USAGE ON SCHEMA {space} TO {app}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {space} TO {app}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {space} TO {app}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {space} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {space} "
        f"GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {app}",
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {space}.{AUDIT_TABLE} FROM {app}",
    ]


def runtime_role_problems(connection: BaseDatabaseWrapper) -> list[str]:
    """What the role this connection works as could do to the audit log beyond reading
    and inserting; empty when nothing."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, r.rolsuper, "
            "       c.oid IS NOT NULL AND pg_has_role(current_user, c.relowner, 'USAGE'), "
            "       c.oid IS NOT NULL AND ("
            "         has_table_privilege(c.oid, 'UPDATE') OR has_table_privilege(c.oid, 'DELETE')"
            "         OR has_table_privilege(c.oid, 'TRUNCATE')) "
            "FROM pg_roles r LEFT JOIN pg_class c ON c.oid = to_regclass(%s) "
            "WHERE r.rolname = current_user",
            [AUDIT_TABLE],
        )
        user, superuser, owner, rewrite = cursor.fetchone()
    problems = []
    if superuser:
        problems.append(f"the application's database role {user!r} is a superuser")
    if owner:
        problems.append(
            f"the application's database role {user!r} owns {AUDIT_TABLE} (or is a member "
            "of its owner) and so can switch its append-only triggers off"
        )
    elif rewrite and not superuser:
        problems.append(
            f"the application's database role {user!r} may update, delete or truncate {AUDIT_TABLE}"
        )
    return problems


def owner_settings(default: dict[str, Any], owner: dict[str, Any]) -> dict[str, Any]:
    """The default database's settings with the owner's credentials: the same database
    reached as another role, so that migrations (their data steps included, which use the
    default connection) run as the owner."""
    if owner.get("NAME") and owner["NAME"] != default.get("NAME"):
        raise ImproperlyConfigured(
            f"HIMOYA_MIGRATE_DATABASE_URL names database {owner['NAME']!r} but DATABASE_URL "
            f"names {default.get('NAME')!r}: both must reach the same database"
        )
    merged = dict(default)
    for key in _CONNECTION_KEYS:
        if key in owner and (owner[key] or key == "PASSWORD"):
            merged[key] = owner[key]
    merged["OPTIONS"] = {**default.get("OPTIONS", {}), **owner.get("OPTIONS", {})}
    return merged
