"""Access helpers: the only way interfaces fetch protected records.

``access_object`` answers the same 404 for a record that does not exist and for one the
user may not see, so ids cannot be probed. Each app builds its ``access_<thing>`` on it
with a queryset already narrowed to what the user may see.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.http import Http404

from himoya.core.audit import audit_record

M = TypeVar("M", bound=models.Model)


def access_object(
    visible: models.QuerySet[M],
    pk: Any,
    *,
    user: Any,
    audit_action: str | None = None,
) -> M:
    """Returns the record with ``pk`` from ``visible`` or raises Http404.

    With ``audit_action`` the view is logged in the audit chain (views of protected
    records are events too).
    """
    try:
        obj = visible.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    if audit_action:
        audit_record(actor=user, action=audit_action, obj=obj)
    return obj
