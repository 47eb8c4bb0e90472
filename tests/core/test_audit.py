"""The hash-chained audit log: writing, verifying, and catching every kind of tampering."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from himoya.core import context, events
from himoya.core.audit import (
    GENESIS,
    audit_record,
    audit_record_many,
    compute_hash,
    verify_chain,
)
from himoya.core.models import AuditEvent
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

TRIGGER = "core_auditevent_append_only"

# The chain's own tests record made-up facts; like every code, they are declared first.
for _code in (
    "test.after",
    "test.after_bulk",
    "test.bulk",
    "test.concurrent",
    "test.none",
    "test.rolled_back",
    "test.round_trip",
    "test.same",
):
    events.register(_code, _code)


def verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def tamper(sql: str, params: list[Any]) -> None:
    """Changes the table behind the application's back. This needs what a superuser (or
    the table owner) can do: switch the append-only trigger off first."""
    with connection.cursor() as cursor:
        # Deferred foreign-key checks of this transaction must run before ALTER TABLE.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE core_auditevent DISABLE TRIGGER {TRIGGER}")
        cursor.execute(sql, params)
        cursor.execute(f"ALTER TABLE core_auditevent ENABLE TRIGGER {TRIGGER}")


@pytest.fixture
def chain() -> list[AuditEvent]:
    """Three events by a real user of a real organisation, from a request context."""
    org = OrganisationFactory(slug="audit-org")
    user = UserFactory(organisation=org, totp=False)
    start = AuditEvent.objects.count()
    token = context.bind(context.RequestFacts(request_id="req-12345678", ip="192.0.2.10"))
    try:
        events = [
            audit_record(actor=user, action="case.view", obj=org, data={"n": i, "who": "Әсел"})
            for i in range(3)
        ]
    finally:
        context.reset(token)
    assert [e.seq for e in events] == [start + 1, start + 2, start + 3]
    return events


def test_events_form_a_chain(chain: list[AuditEvent]) -> None:
    first = AuditEvent.objects.order_by("seq").first()
    assert first is not None and first.prev_hash == GENESIS
    stored = list(AuditEvent.objects.order_by("seq"))
    for before, after in zip(stored, stored[1:], strict=False):
        assert after.prev_hash == before.hash
        assert after.seq == before.seq + 1
    for event in stored:
        assert compute_hash(event) == event.hash
    last = stored[-1]
    assert last.request_id == "req-12345678"
    assert last.ip == "192.0.2.10"
    assert last.actor_label == last.actor.email
    assert last.organisation_id == last.actor.organisation_id


def test_verify_command_reports_an_intact_chain(chain: list[AuditEvent]) -> None:
    out = verify()
    total = AuditEvent.objects.count()
    assert f"audit chain intact: {total} events; head #{chain[-1].seq} {chain[-1].hash}" in out


def test_verify_command_on_an_empty_chain() -> None:
    if AuditEvent.objects.exists():
        pytest.skip("the chain is not empty in this database")
    assert "audit chain is empty" in verify()


def test_values_survive_the_database_round_trip() -> None:
    """What is hashed must be exactly what the database gives back: JSON details of any
    type, IPv6 addresses in any spelling, odd request facts."""
    samples = [
        (
            "2001:DB8:0:0:0:0:0:1",
            {"when": dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC), "n": 1.5},
        ),
        ("::ffff:192.0.2.1", {"amount": Decimal("10.50"), "names": ["Ҷамшед", "Ёлка"]}),
        ("192.0.2.1", {"nested": {"b": [1, 2, {"c": None}], "a": True}, "big": 2**60}),
        (None, {}),
        ("not an address", {"x": "y"}),
    ]
    for ip, data in samples:
        token = context.bind(context.RequestFacts(request_id="r" * 64, ip=ip))
        try:
            audit_record(actor="cli:test", action="test.round_trip", data=data)
        finally:
            context.reset(token)
    assert verify_chain().ok, verify_chain().reason
    stored = list(AuditEvent.objects.filter(action="test.round_trip").order_by("seq"))
    assert stored[0].ip == "2001:db8::1"
    assert stored[-1].ip is None
    assert stored[0].actor_label == "cli:test" and stored[0].actor_id is None


COLUMN_TAMPERING = [
    ("actor_label", "UPDATE core_auditevent SET actor_label = %s WHERE seq = %s", "someone"),
    ("action", "UPDATE core_auditevent SET action = %s WHERE seq = %s", "auth.logout"),
    ("object_type", "UPDATE core_auditevent SET object_type = %s WHERE seq = %s", "x.y"),
    ("object_id", "UPDATE core_auditevent SET object_id = %s WHERE seq = %s", "999"),
    ("request_id", "UPDATE core_auditevent SET request_id = %s WHERE seq = %s", "forged"),
    ("data", "UPDATE core_auditevent SET data = %s WHERE seq = %s", '{"n": 1, "who": "X"}'),
    ("ip", "UPDATE core_auditevent SET ip = %s WHERE seq = %s", "198.51.100.7"),
    ("ip-null", "UPDATE core_auditevent SET ip = %s WHERE seq = %s", None),
    ("prev_hash", "UPDATE core_auditevent SET prev_hash = %s WHERE seq = %s", "f" * 64),
    ("hash", "UPDATE core_auditevent SET hash = %s WHERE seq = %s", "e" * 64),
    ("actor_id", "UPDATE core_auditevent SET actor_id = %s WHERE seq = %s", None),
    ("organisation_id", "UPDATE core_auditevent SET organisation_id = %s WHERE seq = %s", None),
]


@pytest.mark.parametrize(
    ("column", "sql", "value"), COLUMN_TAMPERING, ids=[c[0] for c in COLUMN_TAMPERING]
)
@pytest.mark.parametrize("position", [0, 1, 2])
def test_tampering_with_any_column_is_detected(
    chain: list[AuditEvent], column: str, sql: str, value: Any, position: int
) -> None:
    target = chain[position].seq
    if column == "data":
        sql = sql.replace("data = %s", "data = %s::jsonb")
    tamper(sql, [value, target])
    with pytest.raises(CommandError, match=rf"audit chain broken at event #{target}\b"):
        verify()
    report = verify_chain()
    assert not report.ok and report.broken_seq == target


@pytest.mark.parametrize("delta", [dt.timedelta(microseconds=1), dt.timedelta(days=-3)])
def test_tampering_with_the_time_is_detected(chain: list[AuditEvent], delta: Any) -> None:
    target = chain[1]
    tamper(
        "UPDATE core_auditevent SET created_at = %s WHERE seq = %s",
        [target.created_at + delta, target.seq],
    )
    with pytest.raises(CommandError, match=rf"broken at event #{target.seq}\b.*altered"):
        verify()


def test_deleted_middle_event_is_detected(chain: list[AuditEvent]) -> None:
    middle = chain[1].seq
    tamper("DELETE FROM core_auditevent WHERE seq = %s", [middle])
    with pytest.raises(CommandError, match=rf"event #{middle} is missing"):
        verify()


def test_deleted_and_renumbered_event_is_detected(chain: list[AuditEvent]) -> None:
    """Closing the gap after a deletion does not help: the next event no longer follows."""
    middle, last = chain[1].seq, chain[2].seq
    tamper("DELETE FROM core_auditevent WHERE seq = %s", [middle])
    tamper("UPDATE core_auditevent SET seq = %s WHERE seq = %s", [middle, last])
    with pytest.raises(CommandError, match=rf"broken at event #{middle}\b.*does not follow"):
        verify()


def test_swapped_events_are_detected(chain: list[AuditEvent]) -> None:
    a, b = chain[1].seq, chain[2].seq
    tamper("UPDATE core_auditevent SET seq = %s WHERE seq = %s", [-1, a])
    tamper("UPDATE core_auditevent SET seq = %s WHERE seq = %s", [a, b])
    tamper("UPDATE core_auditevent SET seq = %s WHERE seq = %s", [b, -1])
    with pytest.raises(CommandError, match=rf"broken at event #{a}\b"):
        verify()


def test_rewritten_chain_is_only_caught_by_the_kept_head_hash(chain: list[AuditEvent]) -> None:
    """An attacker who recomputes every hash after a change passes verification, which is
    why the command tells the operator to keep the head hash elsewhere."""
    kept_head = verify_chain().head_hash
    events = list(AuditEvent.objects.order_by("seq"))
    prev = GENESIS
    for event in events:
        if event.seq == chain[1].seq:
            event.action = "forged"
        event.prev_hash = prev
        event.hash = compute_hash(event)
        prev = event.hash
        tamper(
            "UPDATE core_auditevent SET action = %s, prev_hash = %s, hash = %s WHERE seq = %s",
            [event.action, event.prev_hash, event.hash, event.seq],
        )
    report = verify_chain()
    assert report.ok
    assert report.head_hash != kept_head


def test_bulk_append_continues_the_same_chain(chain: list[AuditEvent]) -> None:
    org = chain[0].organisation
    written = audit_record_many(
        actor="cli:import",
        organisation=org,
        entries=[("test.bulk", None, {"row": i}) for i in range(5)],
        batch_size=2,
    )
    assert written == 5
    audit_record(actor=None, action="test.after_bulk")
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert "audit chain intact" in verify()


def test_bulk_events_are_the_events_audit_record_writes(chain: list[AuditEvent]) -> None:
    """audit_record_many writes, field for field, what audit_record would (bar seq, time
    and the chain), including the request facts and the JSON form of ``data``."""
    org = chain[0].organisation
    user = chain[0].actor
    data = {"fields": ("b", "a"), "on": dt.date(2024, 5, 1), "n": Decimal("1.5"), "x": None}
    token = context.bind(context.RequestFacts(request_id="req-bulk", ip="2001:DB8::0:1"))
    try:
        single = audit_record(actor=user, action="test.same", obj=org, organisation=org, data=data)
        audit_record_many(
            actor=user,
            organisation=org,
            entries=[("test.same", org, data), ("test.none", None, None)],
        )
    finally:
        context.reset(token)
    stored = list(AuditEvent.objects.filter(seq__gt=single.seq).order_by("seq"))
    compared = ["actor_id", "actor_label", "organisation_id", "action", "object_type"]
    compared += ["object_id", "request_id", "ip", "data"]
    assert [getattr(stored[0], f) for f in compared] == [getattr(single, f) for f in compared]
    assert stored[0].ip == "2001:db8::1" and stored[0].data["on"] == "2024-05-01"
    assert (stored[1].object_type, stored[1].object_id, stored[1].data) == ("", "", {})
    assert [e.prev_hash for e in stored] == [single.hash, stored[0].hash]
    assert all(compute_hash(e) == e.hash for e in stored)
    assert "audit chain intact" in verify()


def test_audit_record_rolls_back_with_its_transaction(chain: list[AuditEvent]) -> None:
    before = AuditEvent.objects.count()

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        audit_record(actor=None, action="test.rolled_back")
        assert AuditEvent.objects.filter(action="test.rolled_back").exists()
        raise Boom
    assert AuditEvent.objects.count() == before
    assert not AuditEvent.objects.filter(action="test.rolled_back").exists()
    event = audit_record(actor=None, action="test.after")
    assert event.seq == chain[-1].seq + 1
    assert event.prev_hash == chain[-1].hash
    assert "audit chain intact" in verify()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE core_auditevent SET action = 'x' WHERE seq = %s",
        "UPDATE core_auditevent SET hash = hash WHERE seq = %s",
        "DELETE FROM core_auditevent WHERE seq = %s",
    ],
)
def test_postgresql_refuses_update_and_delete(chain: list[AuditEvent], statement: str) -> None:
    op = statement.split()[0]
    refused = pytest.raises(DatabaseError, match=f"core_auditevent is append-only: {op} refused")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [chain[1].seq])
    assert "audit chain intact" in verify()


@pytest.mark.parametrize(
    "statement", ["TRUNCATE core_auditevent", "TRUNCATE accounts_organisation CASCADE"]
)
def test_postgresql_refuses_truncate(chain: list[AuditEvent], statement: str) -> None:
    """The row trigger does not fire for TRUNCATE, which would empty the chain in one
    statement, directly or as the cascade of a table the events refer to."""
    before = AuditEvent.objects.count()
    refused = pytest.raises(DatabaseError, match="append-only: TRUNCATE refused")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        # The test's deferred foreign-key checks would refuse TRUNCATE first.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(statement)
    assert AuditEvent.objects.count() == before
    assert "audit chain intact" in verify()


def test_flush_cannot_empty_the_audit_log(chain: list[AuditEvent]) -> None:
    """`himoya flush` empties every table with one TRUNCATE: refused as a whole. (The
    statements of PostgreSQL's own engine: the suite's engine lets its flush through.)"""
    from django.core.management.color import no_style
    from django.db.backends.postgresql.operations import DatabaseOperations

    tables = connection.introspection.django_table_names(only_existing=True)
    statements = DatabaseOperations.sql_flush(connection.ops, no_style(), tables)
    assert statements and "core_auditevent" in statements[0]
    before = AuditEvent.objects.count()
    refused = pytest.raises(DatabaseError, match="append-only: TRUNCATE refused")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in statements:
            cursor.execute(statement)
    assert AuditEvent.objects.count() == before


def test_postgresql_refuses_orm_changes(chain: list[AuditEvent]) -> None:
    update = pytest.raises(DatabaseError, match="append-only: UPDATE refused")
    with update, transaction.atomic():
        AuditEvent.objects.filter(seq=chain[0].seq).update(action="x")
    delete = pytest.raises(DatabaseError, match="append-only: DELETE refused")
    with delete, transaction.atomic():
        AuditEvent.objects.filter(seq=chain[0].seq).delete()
    event = AuditEvent.objects.get(seq=chain[0].seq)
    event.action = "x"
    save = pytest.raises(DatabaseError, match="append-only: UPDATE refused")
    with save, transaction.atomic():
        event.save()
    assert "audit chain intact" in verify()


def test_superuser_with_the_trigger_off_is_still_caught(chain: list[AuditEvent]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgenabled FROM pg_trigger WHERE tgname = %s AND NOT tgisinternal", [TRIGGER]
        )
        assert cursor.fetchone() == ("O",)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE core_auditevent DISABLE TRIGGER {TRIGGER}")
        cursor.execute(
            "UPDATE core_auditevent SET actor_label = 'nobody' WHERE seq = %s", [chain[1].seq]
        )
        cursor.execute(f"ALTER TABLE core_auditevent ENABLE TRIGGER {TRIGGER}")
    with pytest.raises(CommandError, match=rf"broken at event #{chain[1].seq}\b"):
        verify()


def test_concurrent_writers_do_not_fork_the_chain(transactional_db: Any) -> None:
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(15):
                with transaction.atomic():
                    audit_record(actor=f"worker-{n}", action="test.concurrent", data={"i": i})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = verify_chain()
    assert report.ok, report.reason
    assert report.checked == AuditEvent.objects.count() >= 60
