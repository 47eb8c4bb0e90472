"""The demo duty roster: a lawyer on duty now and for the coming week in each demo
organisation (so an emergency appeal of the demo alerts a duty lawyer), and in
Kazakhstan a regional shift still to come.

Times are relative to when the demo is loaded. Loading it again adds a shift only when
none runs now (or none is to come), so a demo loaded weeks ago gets a lawyer on duty
again and one loaded twice in a row gets no second shift."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from himoya.core.demo_loader import DemoContext
from himoya.duty.models import DutyShift
from himoya.duty.selectors import active_shifts
from himoya.duty.services import shift_add
from himoya.reference.models import Region

WEEK = dt.timedelta(days=7)


def load(ctx: DemoContext) -> None:
    now = timezone.now()
    # From the start of today, local time: the roster reads "since this morning".
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    for slug in ("demo-kz", "demo-tj"):
        org = ctx.objects[f"org:{slug}"]
        if not active_shifts(org.pk, now).exists():
            shift_add(
                actor=ctx.actor,
                organisation=org,
                lawyer=ctx.objects[f"user:{slug}:lawyer"],
                starts_at=today,
                ends_at=today + WEEK,
            )
    kz = ctx.objects["org:demo-kz"]
    karaganda = Region.objects.filter(country="KZ", name_ru="Карагандинская область").first()
    if not DutyShift.objects.filter(organisation=kz, starts_at__gt=now).exists():
        shift_add(
            actor=ctx.actor,
            organisation=kz,
            lawyer=ctx.objects["user:demo-kz:lawyer2"],
            region=karaganda,
            starts_at=today + WEEK,
            ends_at=today + 2 * WEEK,
        )
    ctx.lines.append(
        "Demo duty roster: each organisation's lawyer is on duty this week; "
        "an emergency appeal with no lawyer has alerted them."
    )
