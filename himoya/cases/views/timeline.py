"""The case's timeline in sentences: each entry's codes and ids turned into words in
the reader's language."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from himoya.accounts.models import Organisation, Team, User
from himoya.cases import selectors
from himoya.cases.models import (
    Case,
    CaseStatus,
    Outcome,
    ReferralKind,
    Urgency,
)
from himoya.reference.models import Facility, Term


def status_label(code: str) -> str:
    return str(CaseStatus(code).label) if code in CaseStatus.values else code


def field_labels() -> dict[str, str]:
    return {
        name: str(getattr(Case._meta.get_field(name), "verbose_name", name))
        for name in (
            "summary",
            "country",
            "region",
            "facility",
            "agency",
            "events_from",
            "events_to",
        )
    }


class Timeline:
    """Turns the case's events (codes and ids) into sentences in the user's language."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.events = list(selectors.case_timeline(case))
        ids: dict[str, set[Any]] = {"user": set(), "team": set(), "org": set(), "facility": set()}
        for event in self.events:
            d = event.data
            if event.kind == "case.assigned":
                ids["user"].add(d.get("lawyer"))
                ids["team"].add(d.get("team"))
            elif event.kind in ("case.shared", "case.unshared"):
                ids["org"].add(d.get("organisation"))
            elif event.kind.startswith("custody."):
                ids["facility"].update((d.get("facility"), d.get("previous")))
        self.users: dict[Any, str] = {
            u.pk: str(u) for u in User.objects.filter(pk__in=ids["user"] - {None})
        }
        self.teams: dict[Any, str] = {
            t.pk: t.name for t in Team.objects.filter(pk__in=ids["team"] - {None})
        }
        self.orgs: dict[Any, str] = {
            o.pk: o.name for o in Organisation.objects.filter(pk__in=ids["org"] - {None})
        }
        self.facilities: dict[Any, str] = {
            f.pk: f.name for f in Facility.objects.filter(pk__in=ids["facility"] - {None})
        }
        self.terms = {(t.vocabulary, t.code): t.label for t in Term.objects.all()}
        self.tasks: dict[Any, str] = {t.pk: t.title for t in case.tasks.all()}
        self.referrals: dict[Any, tuple[str, str]] = {
            r.pk: (r.person.full_name, str(r.partner) if r.partner else "")
            for r in case.referrals.select_related("person", "partner")
        }
        self.fields = field_labels()

    def term(self, vocabulary: str, code: str) -> str:
        return self.terms.get((vocabulary, code), code)

    def entries(self) -> list[dict[str, Any]]:
        return [
            {
                "at": e.at,
                "actor": str(e.actor) if e.actor else _("System"),
                "text": self.sentence(e.kind, e.data),
                "kind": e.kind,
            }
            for e in self.events
        ]

    def sentence(self, kind: str, d: dict[str, Any]) -> str:  # noqa: C901
        if kind == "case.opened":
            return _("Opened the case %(number)s.") % {"number": d.get("number", "")}
        if kind == "appeal.registered":
            urgency = d.get("urgency", "")
            return _(
                "Registered an appeal received through “%(channel)s” (urgency: %(urgency)s)."
            ) % {
                "channel": self.term("channel", d.get("channel", "")),
                "urgency": Urgency(urgency).label if urgency in Urgency.values else urgency,
            }
        if kind == "case.updated":
            names = [self.fields.get(f, f) for f in d.get("fields", [])]
            return _("Changed the facts of the case: %(fields)s.") % {"fields": ", ".join(names)}
        if kind == "case.status":
            new, old = d.get("new", ""), d.get("old", "")
            if new == CaseStatus.CLOSED:
                outcome = d.get("outcome", "")
                return _("Closed the case with the outcome “%(outcome)s”.") % {
                    "outcome": Outcome(outcome).label if outcome in Outcome.values else outcome
                }
            if old == CaseStatus.CLOSED:
                return _("Reopened the case (now “%(status)s”).") % {"status": status_label(new)}
            return _("Moved the case from “%(old)s” to “%(new)s”.") % {
                "old": status_label(old),
                "new": status_label(new),
            }
        if kind == "case.assigned":
            return _("Assigned the case: lawyer %(lawyer)s, team %(team)s.") % {
                "lawyer": self.users.get(d.get("lawyer"), _("none")),
                "team": self.teams.get(d.get("team"), _("none")),
            }
        if kind == "case.shared":
            return _("Shared the case with %(organisation)s.") % {
                "organisation": self.orgs.get(d.get("organisation"), "?")
            }
        if kind == "case.unshared":
            return _("Stopped sharing the case with %(organisation)s.") % {
                "organisation": self.orgs.get(d.get("organisation"), "?")
            }
        if kind == "violation.added":
            return _("Added the violation “%(type)s”.") % {
                "type": self.term("violation", d.get("type", ""))
            }
        if kind == "note.added":
            return _("Added a note.")
        if kind == "task.added":
            title = self.tasks.get(d.get("task"), "")
            if d.get("due_on"):
                return _("Added the task “%(title)s”, due %(due)s.") % {
                    "title": title,
                    "due": d["due_on"],
                }
            return _("Added the task “%(title)s”.") % {"title": title}
        if kind == "task.done":
            return _("Completed the task “%(title)s”.") % {
                "title": self.tasks.get(d.get("task"), "")
            }
        if kind == "hearing.added":
            when = d.get("starts_at", "")
            with contextlib.suppress(TypeError, ValueError):
                when = timezone.localtime(dt.datetime.fromisoformat(when)).strftime(
                    "%Y-%m-%d %H:%M"
                )
            return _("Recorded a court hearing on %(when)s.") % {"when": when}
        if kind == "referral.added":
            code = d.get("kind", "")
            person, partner = self.referrals.get(d.get("referral"), ("", ""))
            values = {
                "person": person,
                "partner": partner,
                "kind": ReferralKind(code).label if code in ReferralKind.values else code,
            }
            if partner:
                return _("Referred %(person)s to %(partner)s for %(kind)s.") % values
            return _("Referred %(person)s for %(kind)s.") % values
        if kind == "referral.closed":
            person, partner = self.referrals.get(d.get("referral"), ("", ""))
            return _("Recorded the end of the referral of %(person)s.") % {"person": person}
        if kind == "custody.transfer":
            return _("Recorded a transfer from %(previous)s to %(facility)s.") % {
                "previous": self.facilities.get(d.get("previous"), "?"),
                "facility": self.facilities.get(d.get("facility"), "?"),
            }
        if kind == "custody.recorded":
            return _("Recorded detention in %(facility)s.") % {
                "facility": self.facilities.get(d.get("facility"), "?")
            }
        return _("Recorded “%(kind)s”.") % {"kind": kind}
