"""The application runs as a database role that may read and insert audit events but not
change, remove or truncate them, nor switch their triggers off; migrations run as the
owner. Shown on the embedded cluster: a role gets the printed grants, and the test's
connection works as it (SET ROLE: privileges are checked against it, superuser rights
are gone), inside the test's transaction, so the role and grants vanish afterwards."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from himoya.core import events
from himoya.core.audit import audit_record, audit_record_many, verify_chain
from himoya.core.db_roles import grants_sql, owner_settings, runtime_role_problems
from himoya.core.models import AuditEvent
from tests.conftest import ROOT
from tests.conftest import worker_env as _worker_env
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

if events.get("test.as_app") is None:
    events.register("test.as_app", "test.as_app")


def _sql(statement: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


@pytest.fixture
def app_role() -> Iterator[str]:
    """A role with exactly the printed grants; the connection works as it until the end."""
    role = f"himoya_app_{connection.settings_dict['NAME']}"[:63]
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
        for statement in grants_sql(app_role=role, owner_role=owner):
            cursor.execute(statement)
        # A table the owner creates after the grants: the default privileges cover it.
        cursor.execute("CREATE TABLE himoya_later (id bigserial PRIMARY KEY, note text)")
        cursor.execute(f'SET ROLE "{role}"')
    try:
        yield role
    finally:
        _sql("RESET ROLE")


def test_the_printed_statements_are_the_grants() -> None:
    out = StringIO()
    call_command(
        "db_roles", "--print-sql", "--app-role", "web", "--owner-role", "owner", stdout=out
    )
    printed = [line.rstrip(";") for line in out.getvalue().splitlines() if line[:2] != "--"]
    assert printed == grants_sql(app_role="web", owner_role="owner")
    assert printed[-1].startswith("REVOKE UPDATE, DELETE, TRUNCATE")


def test_the_app_role_writes_and_reads_the_chain(app_role: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (app_role, False)
    org = OrganisationFactory(slug="roles-org")  # any other table: read and write
    audit_record(actor="cli:test", action="test.as_app", obj=org)
    entries = [("test.as_app", org, {"n": n}) for n in range(3)]
    assert audit_record_many(actor="cli:test", organisation=org, entries=entries) == 3  # COPY
    _sql("INSERT INTO himoya_later (note) VALUES ('x')")
    _sql("UPDATE himoya_later SET note = 'y'")
    _sql("DELETE FROM himoya_later")
    assert verify_chain().ok
    assert runtime_role_problems(connection) == []


@pytest.mark.parametrize(
    ("statement", "refusal"),
    [
        ("UPDATE core_auditevent SET action = 'x'", "permission denied"),
        ("DELETE FROM core_auditevent", "permission denied"),
        ("TRUNCATE core_auditevent", "permission denied"),
        ("ALTER TABLE core_auditevent DISABLE TRIGGER USER", "must be owner"),
        ("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only", "owner"),
        ("DROP TRIGGER core_auditevent_no_truncate ON core_auditevent", "must be owner"),
        ("DROP TABLE core_auditevent CASCADE", "must be owner"),
        ("SET session_replication_role = replica", "permission denied"),
        ("ALTER ROLE CURRENT_USER SUPERUSER", "permission denied"),
    ],
)
def test_the_app_role_cannot_rewrite_the_chain(app_role: str, statement: str, refusal: str) -> None:
    audit_record(actor="cli:test", action="test.as_app")
    before = AuditEvent.objects.count()
    with pytest.raises(DatabaseError, match=refusal), transaction.atomic():
        _sql(statement)
    assert AuditEvent.objects.count() == before
    assert verify_chain().ok


def test_the_deploy_check_names_an_owner_or_superuser_role() -> None:
    """The suite connects as the cluster's superuser, which owns everything."""
    problems = runtime_role_problems(connection)
    assert any("is a superuser" in p for p in problems)
    assert any("owns core_auditevent" in p for p in problems)
    found = run_checks(include_deployment_checks=True, databases=["default"])
    assert {m.id for m in found if "database role" in m.msg} == {"himoya.W020"}
    assert not [m for m in run_checks(include_deployment_checks=True) if m.id == "himoya.W020"]


def test_the_deploy_check_is_quiet_for_the_app_role(app_role: str) -> None:
    found = run_checks(include_deployment_checks=True, databases=["default"])
    assert [m for m in found if m.id == "himoya.W020"] == []


def test_owner_settings_reach_the_same_database_as_another_role() -> None:
    default = {"NAME": "himoya", "USER": "web", "PASSWORD": "a", "HOST": "db", "PORT": "5432"}
    default["OPTIONS"] = {"sslmode": "require"}
    owner = {"NAME": "himoya", "USER": "owner", "PASSWORD": "b", "HOST": "", "PORT": ""}
    owner["OPTIONS"] = {}
    merged = owner_settings(default, owner)
    assert (merged["USER"], merged["PASSWORD"], merged["HOST"]) == ("owner", "b", "db")
    assert merged["OPTIONS"] == {"sslmode": "require"}
    with pytest.raises(ImproperlyConfigured, match="same database"):
        owner_settings(default, {**owner, "NAME": "other"})


def test_migrate_connects_as_the_owner_and_nothing_else_does() -> None:
    env = _worker_env()
    env["HIMOYA_MIGRATE_DATABASE_URL"] = env["DATABASE_URL"].replace(
        f"//{connection.settings_dict['USER']}:", "//no_such_owner:", 1
    )
    assert "no_such_owner" in env["HIMOYA_MIGRATE_DATABASE_URL"]

    def himoya(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "himoya", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    migrated = himoya("migrate", "--check")
    assert migrated.returncode != 0
    assert 'role "no_such_owner" does not exist' in migrated.stderr + migrated.stdout
    assert himoya("showmigrations", "core").returncode == 0  # DATABASE_URL's role
