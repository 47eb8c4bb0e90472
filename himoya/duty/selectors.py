"""Who is on duty: for the alert of an emergency appeal (``on_duty``), for what an
on-duty lawyer may see (``duty_cover``, read by ``cases.selectors``), and the roster
page (``roster``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from himoya.accounts.models import Organisation, Role, User
from himoya.duty.models import DutyShift


def active_shifts(organisation_id: Any, at: dt.datetime | None = None) -> QuerySet[DutyShift]:
    """Shifts of the organisation running at ``at`` (now), of lawyers who are still
    active lawyers of it: a shift does not outlive its lawyer's role or account."""
    at = at or timezone.now()
    return DutyShift.objects.filter(
        organisation_id=organisation_id,
        starts_at__lte=at,
        ends_at__gt=at,
        lawyer__is_active=True,
        lawyer__role=Role.LAWYER,
        lawyer__organisation_id=organisation_id,
    )


def on_duty(
    organisation: Organisation, region_id: int | None, at: dt.datetime | None = None
) -> list[User]:
    """The lawyers to alert for an emergency in ``region_id``: those on duty for that
    region; if none, those on duty for the whole organisation. For an emergency
    without a region: the whole organisation's duty lawyers, else every lawyer on duty
    anywhere. Empty when nobody is (the caller then turns to the coordinators)."""
    shifts = list(active_shifts(organisation.pk, at).select_related("lawyer"))
    regional = [s.lawyer for s in shifts if region_id is not None and s.region_id == region_id]
    whole = [s.lawyer for s in shifts if s.region_id is None]
    found = regional or whole
    if not found and region_id is None:
        found = [s.lawyer for s in shifts]
    return sorted(set(found), key=lambda u: u.pk)


@dataclass(frozen=True)
class DutyCover:
    """What a lawyer's running shifts cover: the whole organisation, or some regions
    (and then emergencies without a region too, which ``on_duty`` sends to them when
    nobody covers the whole organisation)."""

    whole_organisation: bool
    region_ids: frozenset[int]


def duty_cover(user: Any, at: dt.datetime | None = None) -> DutyCover | None:
    """What ``user`` is on duty for now; None when off duty (or not a lawyer)."""
    if getattr(user, "role", None) != Role.LAWYER or not user.organisation_id:
        return None
    regions = list(
        active_shifts(user.organisation_id, at)
        .filter(lawyer=user)
        .values_list("region_id", flat=True)
    )
    if not regions:
        return None
    return DutyCover(
        whole_organisation=None in regions,
        region_ids=frozenset(r for r in regions if r is not None),
    )


@dataclass
class Roster:
    current: list[DutyShift]
    past: list[DutyShift]


# How many ended shifts the roster page shows under the current ones.
PAST_SHOWN = 30


def roster(organisation: Organisation, at: dt.datetime | None = None) -> Roster:
    """Shifts running or to come, in order, and the latest ended ones."""
    at = at or timezone.now()
    shifts = DutyShift.objects.filter(organisation=organisation).select_related(
        "lawyer", "region", "created_by", "ended_by"
    )
    return Roster(
        current=list(shifts.filter(ends_at__gt=at).order_by("starts_at", "id")),
        past=list(shifts.filter(ends_at__lte=at).order_by("-ends_at", "-id")[:PAST_SHOWN]),
    )


def duty_lawyers(organisation: Organisation) -> QuerySet[User]:
    """Who may be put on duty: the organisation's active lawyers."""
    return User.objects.filter(organisation=organisation, role=Role.LAWYER, is_active=True)
