"""Model instances to response dicts, field by field (nothing is exposed by default).

Encrypted fields are decrypted here only for records the caller reached through a
selector or access helper that already decided they may see them.
"""

from __future__ import annotations

from typing import Any

from himoya.accounts.models import User
from himoya.cases.models import Appeal, Case, CaseEvent, CaseParty, Note, Person, Task, Violation
from himoya.reference.models import Facility, Region, Term


def staff(user: User | None) -> dict[str, Any] | None:
    return {"id": user.pk, "name": str(user)} if user is not None else None


def term(t: Term | None) -> dict[str, Any] | None:
    return {"code": t.code, "label": t.label} if t is not None else None


def term_full(t: Term) -> dict[str, Any]:
    return {
        "code": t.code,
        "label": t.label,
        "label_ru": t.label_ru,
        "label_kk": t.label_kk,
        "label_tg": t.label_tg,
        "label_en": t.label_en,
        "active": t.active,
    }


def region_ref(r: Region | None) -> dict[str, Any] | None:
    return {"id": r.pk, "name": str(r)} if r is not None else None


def region(r: Region) -> dict[str, Any]:
    return {
        "id": r.pk,
        "country": r.country,
        "code": r.code,
        "name": str(r),
        "name_ru": r.name_ru,
        "name_kk": r.name_kk,
        "name_tg": r.name_tg,
        "name_en": r.name_en,
    }


def facility(f: Facility) -> dict[str, Any]:
    return {
        "id": f.pk,
        "name": f.name,
        "country": f.country,
        "region": region_ref(f.region),
        "type": term(f.type),
        "agency": term(f.agency),
        "address": f.address,
        "source": f.source,
        "verified": f.verified,
    }


def person_brief(p: Person | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {"id": p.pk, "full_name": p.full_name, "sex": p.sex}


def person(p: Person, cases: list[tuple[Case, list[str]]]) -> dict[str, Any]:
    return {
        "id": p.pk,
        "full_name": p.full_name,
        "sex": p.sex,
        "birth_date": p.birth_date,
        "phone": p.phone,
        "email": p.email,
        "address": p.address,
        "document_number": p.document_number,
        "notes": p.notes,
        "created_at": p.created_at,
        "cases": [{"id": c.pk, "number": c.number, "roles": roles} for c, roles in cases],
    }


def case_item(c: Case) -> dict[str, Any]:
    return {
        "id": c.pk,
        "number": c.number,
        "external_id": c.external_id,
        "status": c.status,
        "outcome": c.outcome,
        "opened_on": c.opened_on,
        "closed_on": c.closed_on,
        "country": c.country,
        "region": region_ref(c.region),
        "facility": {"id": c.facility.pk, "name": c.facility.name} if c.facility else None,
        "agency": term(c.agency),
        "team": {"id": c.team.pk, "name": c.team.name} if c.team else None,
        "lawyer": staff(c.lawyer),
        "has_minor_victim": c.has_minor_victim,
        "version": c.version,
        "updated_at": c.updated_at,
    }


def party(p: CaseParty) -> dict[str, Any]:
    return {
        "person": person_brief(p.person),
        "role": p.role,
        "is_minor": p.is_minor,
        "relation": p.relation,
    }


def violation(v: Violation) -> dict[str, Any]:
    return {
        "id": v.pk,
        "type": term(v.type),
        "occurred_on": v.occurred_on,
        "facility": v.facility_id,
        "description": v.description,
    }


def case(c: Case, parties: list[CaseParty], violations: list[Violation]) -> dict[str, Any]:
    return {
        **case_item(c),
        "summary": c.summary,
        "events_from": c.events_from,
        "events_to": c.events_to,
        "updated_by": staff(c.updated_by),
        "parties": [party(p) for p in parties],
        "violations": [violation(v) for v in violations],
    }


def appeal(a: Appeal) -> dict[str, Any]:
    return {
        "id": a.pk,
        "case": {"id": a.case.pk, "number": a.case.number},
        "received_on": a.received_on,
        "channel": term(a.channel),
        "urgency": a.urgency,
        "content": a.content,
        "applicant": person_brief(a.applicant),
        "victim": person_brief(a.victim),
        "consent_processing": a.consent_processing,
        "consent_representation": a.consent_representation,
        "legal_aid": a.legal_aid,
        "rehabilitation": a.rehabilitation,
        "rehabilitation_started_on": a.rehabilitation_started_on,
        "created_at": a.created_at,
    }


def note(n: Note) -> dict[str, Any]:
    return {"id": n.pk, "text": n.text, "author": staff(n.author), "created_at": n.created_at}


def task(t: Task) -> dict[str, Any]:
    return {
        "id": t.pk,
        "title": t.title,
        "due_on": t.due_on,
        "remind_on": t.remind_on,
        "assignee": staff(t.assignee),
        "done_at": t.done_at,
        "created_at": t.created_at,
    }


def event(e: CaseEvent) -> dict[str, Any]:
    return {"id": e.pk, "kind": e.kind, "at": e.at, "actor": staff(e.actor), "data": e.data}
