"""Access helpers: the only way interfaces fetch protected records.

``access_object`` answers the same 404 for a record that does not exist and for one the
user may not see, so ids cannot be probed. Each app builds its ``access_<thing>`` on it
with a queryset already narrowed to what the user may see.

A refused id is an audit event ("access.denied": the model and the id asked for), so
probing shows in the audit log. Missing and forbidden ids are recorded alike: recording
only the forbidden ones would make those answers slower (an append to the chain) and
tell the log's readers which ids exist elsewhere. So that a probe cannot flood the
chain, a user's refusals are counted per minute in the shared cache and only the 1st,
10th, 100th... of a minute is written, with its count.
"""

from __future__ import annotations

import time
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.http import Http404

from himoya.core.audit import audit_record

M = TypeVar("M", bound=models.Model)

DENIAL_WINDOW = 60  # seconds
# Ids are recorded when they are what a primary key can be; anything else as None.
_MAX_ID = 2**63 - 1


def access_object(
    visible: models.QuerySet[M],
    pk: Any,
    *,
    user: Any,
    audit_action: str | None = None,
) -> M:
    """Returns the record with ``pk`` from ``visible`` or raises Http404 (recorded as
    "access.denied").

    With ``audit_action`` the view is logged in the audit chain (views of protected
    records are events too).
    """
    try:
        obj = visible.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError, ValidationError):
        record_denial(user, visible.model, pk)
        raise Http404 from None
    if audit_action:
        audit_record(actor=user, action=audit_action, obj=obj)
    return obj


def record_denial(user: Any, model: type[models.Model], pk: Any) -> None:
    """Counts a refused ``pk`` of ``model`` for ``user`` and writes the event when the
    count of the minute is 1, 10, 100..."""
    user_id = getattr(user, "pk", None)
    if user_id is None or not getattr(user, "is_authenticated", False):
        return
    window = int(time.time() // DENIAL_WINDOW)
    key = f"himoya:denied:{user_id}:{window}"
    cache.add(key, 0, timeout=DENIAL_WINDOW * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=DENIAL_WINDOW * 2)
        count = 1
    if not _is_power_of_ten(count):
        return
    audit_record(
        actor=user,
        action="access.denied",
        data={"model": model._meta.label_lower, "id": _recorded_id(pk), "count": count},
    )


def _is_power_of_ten(n: int) -> bool:
    while n >= 10 and n % 10 == 0:
        n //= 10
    return n == 1


def _recorded_id(pk: Any) -> int | None:
    """The id as a number; free text (which could be anything typed) is not kept."""
    try:
        value = int(pk)
    except (TypeError, ValueError):
        return None
    return value if 0 <= value <= _MAX_ID and str(value) == str(pk).strip() else None
