"""Writing and verifying the audit chain.

``audit_record`` must run inside the transaction of the change it records, so the
change and its record commit or roll back together. Appending takes a lock on the
chain head (a PostgreSQL advisory lock held to the end of the transaction), so
concurrent writers never fork the chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from himoya.core import context, events
from himoya.core.models import AuditEvent

GENESIS = "0" * 64


class _Instance:
    """``organisation=INSTANCE``: the event is the instance's (shared reference data,
    stewardship), recorded with no organisation rather than the actor's."""

    def __repr__(self) -> str:
        return "INSTANCE"


INSTANCE: Any = _Instance()
_LOCK_KEY = 0x48494D4F5941  # "HIMOYA"


def canonical(event: AuditEvent | PendingEvent) -> bytes:
    body = {
        "seq": event.seq,
        "at": event.created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "org": event.organisation_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "request_id": event.request_id,
        "ip": event.ip,
        "data": event.data,
        "prev": event.prev_hash,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(event: AuditEvent | PendingEvent) -> str:
    return hashlib.sha256(canonical(event)).hexdigest()


def _stored_ip(raw: str | None) -> str | None:
    """The address as the database gives it back (IPv6 compressed, lower case), so the
    hash covers the stored value; anything that is not an address is not kept."""
    if not raw:
        return None
    try:
        ipaddress.ip_address(raw)
    except ValueError:
        return None
    value: str | None = AuditEvent._meta.get_field("ip").get_prep_value(raw)
    return value


def _lock_head() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def _new_event(
    *,
    user: Any,
    actor: Any,
    action: str,
    obj: models.Model | None,
    organisation: Any,
    data: dict[str, Any] | None,
    facts: context.RequestFacts,
) -> AuditEvent:
    event = AuditEvent(
        created_at=timezone.now(),
        actor=user,
        actor_label=(user.get_username() if user else str(actor or "system"))[:200],
        organisation=organisation,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        request_id=facts.request_id,
        ip=_stored_ip(facts.ip),
    )
    # JSON round-trip so the hash covers exactly what the database returns.
    event.data = json.loads(json.dumps(data or {}, sort_keys=True, default=str))
    return event


def _head() -> tuple[int, str]:
    head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    return (head[0] + 1, head[1]) if head else (1, GENESIS)


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    organisation: Any = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Appends one event to the chain and returns it."""
    events.check(action)
    facts = context.current()
    user = actor if getattr(actor, "is_authenticated", False) else None
    if organisation is INSTANCE:
        organisation = None
    elif organisation is None and user is not None:
        organisation = getattr(user, "organisation", None)
    with transaction.atomic():
        _lock_head()
        seq, prev = _head()
        event = _new_event(
            user=user,
            actor=actor,
            action=action,
            obj=obj,
            organisation=organisation,
            data=data,
            facts=facts,
        )
        event.seq = seq
        event.prev_hash = prev
        event.hash = compute_hash(event)
        event.save(force_insert=True)
    return event


def audit_record_many(
    *,
    actor: Any,
    organisation: Any,
    entries: Iterable[tuple[str, models.Model | None, dict[str, Any] | None]],
    batch_size: int = 2000,
) -> int:
    """Appends one event per ``(action, obj, data)`` entry, in order, with the same chain
    semantics as ``audit_record`` (one lock on the head, consecutive seq, each hash over
    the one before), written with bulk inserts. For bulk services such as the register
    import; returns how many events were written.

    The events are the ones ``_new_event`` makes, field for field; what they share
    (actor, organisation, request facts) is worked out once, and they are kept as plain
    records (``PendingEvent``) rather than model instances until they are written."""
    facts = context.current()
    user = actor if getattr(actor, "is_authenticated", False) else None
    if organisation is INSTANCE:
        organisation = None
    shared = _new_event(
        user=user,
        actor=actor,
        action="",
        obj=None,
        organisation=organisation,
        data=None,
        facts=facts,
    )
    actor_id, label, org_id = shared.actor_id, shared.actor_label, shared.organisation_id
    request_id, ip = shared.request_id, shared.ip
    written = 0
    with transaction.atomic():
        _lock_head()
        seq, prev = _head()

        def chained() -> Iterator[PendingEvent]:
            nonlocal seq, prev
            for action, obj, data in entries:
                events.check(action)
                event = PendingEvent(
                    seq=seq,
                    created_at=timezone.now(),
                    actor_id=actor_id,
                    actor_label=label,
                    organisation_id=org_id,
                    action=action,
                    object_type=obj._meta.label_lower if obj is not None else "",
                    object_id=str(obj.pk) if obj is not None else "",
                    request_id=request_id,
                    ip=ip,
                    # JSON round-trip so the hash covers exactly what the database returns.
                    data=json.loads(json.dumps(data or {}, sort_keys=True, default=str)),
                    prev_hash=prev,
                )
                event.hash = prev = compute_hash(event)
                seq += 1
                yield event

        # Batches of ``batch_size``, each chained as it is written.
        stream = chained()
        while (first := next(stream, None)) is not None:
            written += _insert(itertools.chain([first], itertools.islice(stream, batch_size - 1)))
    return written


@dataclass(slots=True)
class PendingEvent:
    """An event chained but not written yet: the attributes of ``AuditEvent`` that
    ``canonical`` reads and ``_insert`` writes (foreign keys by id)."""

    seq: int
    created_at: dt.datetime
    actor_id: int | None
    actor_label: str
    organisation_id: int | None
    action: str
    object_type: str
    object_id: str
    request_id: str
    ip: str | None
    data: Any
    prev_hash: str
    hash: str = ""


def _insert(events: Iterable[PendingEvent]) -> int:
    """Writes already chained events with COPY (no INSERT to compile per event).
    Values go through each field's own conversion where
    it changes them (the JSON of ``data``, the address type of ``ip``); the others (ids,
    text, aware datetimes) go in as they are."""
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    converted = (models.JSONField, models.GenericIPAddressField)
    plan = [(f.attname, f.get_db_prep_save if isinstance(f, converted) else None) for f in fields]
    columns = ", ".join(str(f.column) for f in fields)
    sql = f"COPY {AuditEvent._meta.db_table} ({columns}) FROM STDIN"
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for event in events:
            copy.write_row(
                [
                    getattr(event, name) if prep is None else prep(getattr(event, name), connection)
                    for name, prep in plan
                ]
            )
            count += 1
    return count


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    head_seq: int | None
    head_hash: str | None
    broken_seq: int | None = None
    reason: str = ""


def _events() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=5000)


def verify_chain() -> ChainReport:
    """Re-computes every hash; stops at the first event that does not fit."""
    prev_hash = GENESIS
    expected_seq = 1
    checked = 0
    last: AuditEvent | None = None
    for event in _events():
        if event.seq != expected_seq:
            return ChainReport(
                False,
                checked,
                None,
                None,
                event.seq,
                f"event #{expected_seq} is missing (the chain jumps to #{event.seq})",
            )
        if event.prev_hash != prev_hash:
            return ChainReport(
                False,
                checked,
                None,
                None,
                event.seq,
                f"event #{event.seq} does not follow the event before it "
                "(an earlier event was removed, replaced or reordered)",
            )
        if compute_hash(event) != event.hash:
            return ChainReport(
                False,
                checked,
                None,
                None,
                event.seq,
                f"event #{event.seq} was altered after it was written (its hash does not match)",
            )
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
        last = event
    return ChainReport(True, checked, last.seq if last else None, last.hash if last else None)
