"""The one vocabulary of events: what the audit chain records and the case timeline shows.

Each event is declared once, by the app that records it (``himoya/<app>/events.py``,
imported from the app's ``ready()``): its code, a label for lists and filters, how a
sentence is made from its stored ``data``, and whether it belongs on the case timeline.
The code is what ``AuditEvent.action`` and ``CaseEvent.kind`` store; existing audit rows
and their hashes keep the codes they were written with, so a code never changes.

``data`` holds ids, codes and field names, never personal data. A sentence turns ids into
names through ``Names``, which knows only what the page's reader may see: the audit log
names staff, teams, organisations, places of detention and vocabulary terms; a case's own
page adds what hangs off that case (task titles, referred persons).

``record_event`` writes a fact: its audit event and, for timeline events, the timeline
entry with the same code and data, in one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from himoya.core.models import AuditEvent

logger = logging.getLogger(__name__)

Text = str | Promise
Sentence = Callable[[Mapping[str, Any], "Names"], str | None]
NameLoader = Callable[[set[Any]], Mapping[Any, str]]
TimelineWriter = Callable[..., None]


class UnknownEvent(LookupError):
    """An event code that no app declared."""


@dataclass(frozen=True)
class Event:
    code: str
    label: Text
    # A sentence: a format string over ``data`` (``"%(number)s"``), a function of the data
    # and the reader's names, or nothing (the label stands for it). Either answers None
    # (a function) or misses a key (a format string) when old rows lack what it needs.
    message: Text | Sentence | None = None
    timeline: bool = False
    # Which keys of ``data`` are ids to name, and of what kind ("user", "facility", ...).
    refs: Mapping[str, str] = field(default_factory=dict)

    def sentence(self, data: Mapping[str, Any], names: Names) -> str | None:
        if self.message is None:
            return None
        if callable(self.message):
            return self.message(data, names)
        try:
            return str(self.message) % data
        except (KeyError, TypeError):
            return None


_events: dict[str, Event] = {}
_loaders: dict[str, NameLoader] = {}
_timeline: list[TimelineWriter] = []


def register(
    code: str,
    label: Text,
    message: Text | Sentence | None = None,
    *,
    timeline: bool = False,
    refs: Mapping[str, str] | None = None,
) -> Event:
    """Declares an event; declaring a code twice is a mistake and raises."""
    if code in _events:
        raise ImproperlyConfigured(f"the event {code!r} is declared twice")
    event = Event(code, label, message, timeline, dict(refs or {}))
    _events[code] = event
    return event


def get(code: str) -> Event | None:
    return _events.get(code)


def registered() -> list[Event]:
    return sorted(_events.values(), key=lambda e: e.code)


def choices() -> list[tuple[str, str]]:
    """(code, label) pairs for a filter, in the reader's language, by label."""
    return sorted(((e.code, str(e.label)) for e in _events.values()), key=lambda c: c[1])


def label(code: str) -> str:
    event = _events.get(code)
    return str(event.label) if event else code


def sentence(code: str, data: Mapping[str, Any], names: Names) -> str:
    """The event as a sentence; its label when the data cannot make one; an unknown code
    (a row older than its declaration, or of an app no longer installed) as itself."""
    event = _events.get(code)
    if event is None:
        return code
    return event.sentence(data or {}, names) or str(event.label)


def check(code: str) -> None:
    """Refuses an undeclared code outside production. The audit log could only show it
    as a raw code, so development and the tests fail at once (this catches codes made at
    run time, like ``admin.change``, which no search of the source finds). In production
    the fact is still recorded, because losing the write would be worse than a raw code
    on the audit page."""
    if code in _events:
        return
    if getattr(settings, "PRODUCTION", False):
        logger.warning("audit event %s is not declared in any app's events.py", code)
        return
    raise UnknownEvent(f"the event {code!r} is not declared (himoya/<app>/events.py)")


# ---------------------------------------------------------------- names


def register_names(kind: str, loader: NameLoader) -> None:
    """Names ids of ``kind`` for every reader of the audit log and of timelines: register
    only things any staff member may see by name (records inside a case are added by
    the case's own page, ``Names.load(extra=...)``)."""
    if kind in _loaders:
        raise ImproperlyConfigured(f"names of {kind!r} are registered twice")
    _loaders[kind] = loader


class Names:
    """Ids turned into names for one page, loaded in one query per kind."""

    def __init__(self, known: Mapping[str, Mapping[Any, Any]] | None = None) -> None:
        self.known: dict[str, Mapping[Any, Any]] = dict(known or {})

    def get(self, kind: str, key: Any, default: Any = None) -> Any:
        return self.known.get(kind, {}).get(key, default)

    def term(self, vocabulary: str, code: str) -> str:
        value = self.get(f"term:{vocabulary}", code)
        return str(value) if value else code

    @classmethod
    def load(
        cls,
        rows: Iterable[tuple[str, Mapping[str, Any]]],
        extra: Mapping[str, Mapping[Any, Any]] | None = None,
    ) -> Names:
        """The names that ``rows`` of (code, data) refer to."""
        wanted: dict[str, set[Any]] = {}
        for code, data in rows:
            event = _events.get(code)
            if event is None or not data:
                continue
            for key, kind in event.refs.items():
                value = data.get(key)
                if value not in (None, ""):
                    wanted.setdefault(kind, set()).add(value)
        known: dict[str, Mapping[Any, Any]] = {
            kind: _loaders[kind](ids) for kind, ids in wanted.items() if kind in _loaders
        }
        known.update(extra or {})
        return cls(known)


# ---------------------------------------------------------------- recording


def register_timeline(writer: TimelineWriter) -> None:
    """The cases app writes timeline entries: ``writer(case=, code=, actor=, data=)``."""
    _timeline[:] = [writer]


def record_event(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    organisation: Any = None,
    case: Any = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Records one fact: its audit event and, when the event belongs on the case timeline,
    the timeline entry of ``case`` with the same code and data. Call it inside the
    transaction of the change it records."""
    from himoya.core.audit import audit_record

    event = _events.get(action)
    on_timeline = event is not None and event.timeline
    if on_timeline and case is None:
        raise ValueError(f"{action} belongs on a case timeline: pass case=")
    if case is not None and not on_timeline:
        raise ValueError(f"{action} is not a timeline event: do not pass case=")
    with transaction.atomic():
        audited = audit_record(
            actor=actor, action=action, obj=obj, organisation=organisation, data=data
        )
        if on_timeline:
            if not _timeline:
                raise ImproperlyConfigured("no app writes the case timeline")
            # The stored (JSON round-tripped) data, so both rows hold the same thing.
            _timeline[0](case=case, code=action, actor=actor, data=audited.data)
    return audited


# ---------------------------------------------------------------- core's own events


def _register_core() -> None:
    register("admin.add", _("Added in the admin site"))
    register("admin.change", _("Changed in the admin site"))
    register("admin.delete", _("Deleted in the admin site"))
    register("admin.view", _("Viewed in the admin site"))
    register("keys.rotate", _("Encryption keys rotated"))
    register(
        "audit.checkpoint",
        _("Audit log head sent off the server"),
        _("Head #%(seq)s sent (%(to)s)"),
    )
    register("audit.verify_requested", _("Audit chain check requested"))
    register("audit.verified", _("Audit chain checked"), _verified)

    register(
        "access.denied",
        _("Record refused"),
        _denied,
    )
    register("crypto.damaged", _("A stored value could not be decrypted"))


def _verified(data: Mapping[str, Any], names: Names) -> str | None:
    if data.get("ok"):
        checked = int(data.get("checked") or 0)
        return ngettext(
            "The chain is intact: %(n)s event checked.",
            "The chain is intact: %(n)s events checked.",
            checked,
        ) % {"n": checked}
    return gettext("The chain is broken at event #%(seq)s.") % {"seq": data.get("broken")}


def _denied(data: Mapping[str, Any], names: Names) -> str | None:
    """Names the kind of record (its model's name in the reader's language), the id and,
    past the first refusal of the minute, how many there were."""
    from django.apps import apps
    from django.utils.translation import gettext

    if "model" not in data:
        return None
    try:
        kind = str(apps.get_model(data["model"])._meta.verbose_name)
    except (LookupError, ValueError):
        kind = str(data["model"])
    values = {"model": kind, "id": data.get("id") or "?", "count": data.get("count", 1)}
    if values["count"] == 1:
        text = gettext("Asked for %(model)s %(id)s, which does not exist or is not theirs to see.")
    else:
        text = gettext(
            "Asked for %(model)s %(id)s, which does not exist or is not theirs to see: "
            "%(count)s refusals within a minute."
        )
    return text % values


_register_core()
