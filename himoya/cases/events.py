"""The events of cases, persons, the register and the vocabularies (see himoya.core.events).

Timeline events keep the sentences the case page has always shown; the data they read is
what the services record (``record_event``). Rows written before the timeline and the
audit chain shared codes carry less (an audit row of ``task.add`` has no task id): a
sentence that cannot be made from them answers None, and the label stands in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from himoya.accounts.models import Role
from himoya.cases.models import (
    Case,
    CaseEvent,
    CaseStatus,
    PartyRole,
    Person,
    ReferralKind,
    Urgency,
)
from himoya.core.events import Names, register, register_names, register_timeline
from himoya.core.formats import show_stored
from himoya.reference import vocab
from himoya.reference.models import Facility, Term

Data = Mapping[str, Any]

_CASE_FIELDS = ("summary", "country", "region", "facility", "agency", "events_from", "events_to")


def _label(choices: Any, code: str) -> str:
    return str(choices(code).label) if code in choices.values else code


def status_label(code: str) -> str:
    """A case status in the reader's language (the code itself for an unknown one)."""
    return _label(CaseStatus, code)


def _appeal(d: Data, names: Names) -> str | None:
    if "urgency" not in d:
        return None
    return _("Registered an appeal received through “%(channel)s” (urgency: %(urgency)s).") % {
        "channel": names.term(vocab.CHANNEL, d.get("channel", "")),
        "urgency": _label(Urgency, d["urgency"]),
    }


def _updated(d: Data, names: Names) -> str:
    labels = {
        name: str(getattr(Case._meta.get_field(name), "verbose_name", name))
        for name in _CASE_FIELDS
    }
    fields = ", ".join(labels.get(f, f) for f in d.get("fields", []))
    return _("Changed the facts of the case: %(fields)s.") % {"fields": fields}


def _status_changed(d: Data, names: Names) -> str:
    new, old = d.get("to", ""), d.get("from", "")
    if new == CaseStatus.CLOSED:
        return _("Closed the case with the outcome “%(outcome)s”.") % {
            "outcome": names.term(vocab.OUTCOME, d.get("outcome", ""))
        }
    if old == CaseStatus.CLOSED:
        return _("Reopened the case (now “%(status)s”).") % {"status": status_label(new)}
    return _("Moved the case from “%(old)s” to “%(new)s”.") % {
        "old": status_label(old),
        "new": status_label(new),
    }


def _assigned(d: Data, names: Names) -> str:
    return _("Assigned the case: lawyer %(lawyer)s, team %(team)s.") % {
        "lawyer": names.get("user", d.get("lawyer"), _("none")),
        "team": names.get("team", d.get("team"), _("none")),
    }


def _shared(d: Data, names: Names) -> str:
    return _("Shared the case with %(organisation)s.") % {
        "organisation": names.get("organisation", d.get("with"), "?")
    }


def _unshared(d: Data, names: Names) -> str:
    return _("Stopped sharing the case with %(organisation)s.") % {
        "organisation": names.get("organisation", d.get("with"), "?")
    }


def _clinician_assigned(d: Data, names: Names) -> str:
    return _("Assigned %(clinician)s (%(role)s) to the case.") % {
        "clinician": names.get("user", d.get("clinician"), "?"),
        "role": _label(Role, d.get("role", "")),
    }


def _clinician_unassigned(d: Data, names: Names) -> str:
    return _("Ended the assignment of %(clinician)s to the case.") % {
        "clinician": names.get("user", d.get("clinician"), "?")
    }


def _violation(d: Data, names: Names) -> str | None:
    if "type" not in d:
        return None
    return _("Added the violation “%(type)s”.") % {"type": names.term(vocab.VIOLATION, d["type"])}


def _task_added(d: Data, names: Names) -> str | None:
    title = names.get("task", d.get("task"))
    if title is None:
        return None
    if d.get("due_on"):
        return _("Added the task “%(title)s”, due %(due)s.") % {
            "title": title,
            "due": show_stored(d["due_on"]),
        }
    return _("Added the task “%(title)s”.") % {"title": title}


def _task_done(d: Data, names: Names) -> str | None:
    title = names.get("task", d.get("task"))
    if title is None:
        return None
    return _("Completed the task “%(title)s”.") % {"title": title}


def _hearing(d: Data, names: Names) -> str | None:
    when = d.get("starts_at")
    if when is None:
        return None
    return _("Recorded a court hearing on %(when)s.") % {"when": show_stored(when)}


def _referred(d: Data, names: Names) -> str | None:
    referral = names.get("referral", d.get("referral"))
    if referral is None:
        return None
    person, partner = referral
    values = {"person": person, "partner": partner, "kind": _label(ReferralKind, d.get("kind", ""))}
    if partner:
        return _("Referred %(person)s to %(partner)s for %(kind)s.") % values
    return _("Referred %(person)s for %(kind)s.") % values


def _referral_closed(d: Data, names: Names) -> str | None:
    referral = names.get("referral", d.get("referral"))
    if referral is None:
        return None
    return _("Recorded the end of the referral of %(person)s.") % {"person": referral[0]}


def _custody(d: Data, names: Names) -> str | None:
    facility = names.get("facility", d.get("facility"), "?")
    if d.get("transfer"):
        if d.get("previous") is None:
            return None
        return _("Recorded a transfer from %(previous)s to %(facility)s.") % {
            "previous": names.get("facility", d.get("previous"), "?"),
            "facility": facility,
        }
    return _("Recorded detention in %(facility)s.") % {"facility": facility}


def _party_added(d: Data, names: Names) -> str | None:
    if "role" not in d:
        return None
    values = {"role": _label(PartyRole, d["role"]), "person": names.get("person", d.get("person"))}
    if values["person"] is None:
        return _("Added a person to the case as %(role)s.") % values
    return _("Added %(person)s to the case as %(role)s.") % values


def _person_updated(d: Data, names: Names) -> str | None:
    if "fields" not in d:
        return None
    labels = ", ".join(
        str(getattr(Person._meta.get_field(f), "verbose_name", f)) for f in d["fields"]
    )
    person = names.get("person", d.get("person"))
    if person is None:
        return _("Changed a person's details: %(fields)s.") % {"fields": labels}
    return _("Changed the details of %(person)s: %(fields)s.") % {
        "person": person,
        "fields": labels,
    }


def _imported(d: Data, names: Names) -> str:
    if d.get("created", True):
        return _("Imported the case from a register file.")
    return _("Updated the case from a register file.")


def _dashboard(d: Data, names: Names) -> str | None:
    if not d.get("alerts"):
        return None
    return _("Shown alerts naming persons (alerts: %(alerts)s; persons: %(persons)s).") % {
        "alerts": ", ".join(map(str, d["alerts"])),
        "persons": ", ".join(map(str, d.get("persons", []))),
    }


def _appeal_office(d: Data, names: Names) -> str:
    values = {
        "received": show_stored(d.get("received_on", "")),
        "office": names.get("office", d.get("office"), _("no office recorded")),
    }
    return _("Recorded that the appeal of %(received)s was received by: %(office)s.") % values


def _write_timeline(*, case: Case, code: str, actor: Any, data: dict[str, Any]) -> None:
    from himoya.accounts.models import User

    CaseEvent.objects.create(
        case=case, kind=code, actor=actor if isinstance(actor, User) else None, data=data
    )


def _terms(vocabulary: str) -> Any:
    def load(codes: set[Any]) -> dict[Any, str]:
        return {t.code: t.label for t in Term.objects.filter(vocabulary=vocabulary, code__in=codes)}

    return load


def _facilities(ids: set[Any]) -> dict[Any, str]:
    return dict(Facility.objects.filter(pk__in=ids).values_list("pk", "name"))


register_timeline(_write_timeline)
register_names("facility", _facilities)
register_names(f"term:{vocab.VIOLATION}", _terms(vocab.VIOLATION))
register_names(f"term:{vocab.CHANNEL}", _terms(vocab.CHANNEL))
register_names(f"term:{vocab.OUTCOME}", _terms(vocab.OUTCOME))

# On the case timeline
register("case.open", _l("Case opened"), _l("Opened the case %(number)s."), timeline=True)
register("case.import", _l("Case imported"), _imported, timeline=True)
register(
    "appeal.register",
    _l("Appeal registered"),
    _appeal,
    timeline=True,
    refs={"channel": f"term:{vocab.CHANNEL}"},
)
register(
    "appeal.office",
    _l("Appeal's office changed"),
    _appeal_office,
    timeline=True,
    refs={"office": "office"},
)
register("case.update", _l("Case facts changed"), _updated, timeline=True)
register(
    "case.status",
    _l("Case status changed"),
    _status_changed,
    timeline=True,
    refs={"outcome": f"term:{vocab.OUTCOME}"},
)
register(
    "case.assign",
    _l("Case assigned"),
    _assigned,
    timeline=True,
    refs={"lawyer": "user", "team": "team"},
)
register("case.share", _l("Case shared"), _shared, timeline=True, refs={"with": "organisation"})
register(
    "case.unshare",
    _l("Case no longer shared"),
    _unshared,
    timeline=True,
    refs={"with": "organisation"},
)
register(
    "case.clinician_assign",
    _l("Doctor or psychologist assigned"),
    _clinician_assigned,
    timeline=True,
    refs={"clinician": "user"},
)
register(
    "case.clinician_unassign",
    _l("Doctor or psychologist unassigned"),
    _clinician_unassigned,
    timeline=True,
    refs={"clinician": "user"},
)
register(
    "violation.add",
    _l("Violation added"),
    _violation,
    timeline=True,
    refs={"type": f"term:{vocab.VIOLATION}"},
)
register("note.add", _l("Note added"), _l("Added a note."), timeline=True)
register("party.add", _l("Person added to the case"), _party_added, timeline=True)
register("task.add", _l("Task added"), _task_added, timeline=True)
register("task.done", _l("Task completed"), _task_done, timeline=True)
register("hearing.add", _l("Court hearing recorded"), _hearing, timeline=True)
register("referral.add", _l("Referral made"), _referred, timeline=True)
register("referral.close", _l("Referral ended"), _referral_closed, timeline=True)
register(
    "custody.record",
    _l("Detention recorded"),
    _custody,
    timeline=True,
    refs={"facility": "facility", "previous": "facility"},
)

# In the audit chain only
register("case.view", _l("Case viewed"))
register("case.list", _l("Cases listed"))
register("case.export", _l("Cases exported"))
register("appeal.view", _l("Appeal viewed"))
register("appeal.download", _l("Appeal file downloaded"))
register("person.create", _l("Person added"))
register("person.update", _l("Person changed"), _person_updated, timeline=True)
register("person.view", _l("Person viewed"))
register("person.list", _l("Persons listed"))
register("person.duplicates", _l("Possible duplicates looked up"))
register("task.remind", _l("Task reminder sent"))
register("alert.read", _l("Alert read"))
register(
    "dashboard.view",
    _l("Alerts naming persons shown"),
    _dashboard,
)
register("dashboard.week", _l("Coming week shown with victims' names"))
register("region.create", _l("Region added"))
register("partner.create", _l("Partner organisation added"))


def _emergency_alerted(d: Data, names: Names) -> str | None:
    if "recipients" not in d:
        return None
    count = len(d["recipients"])
    if not count:
        return _("Emergency appeal without a lawyer: nobody could be alerted.")
    if d.get("duty"):
        return _(
            "Emergency appeal without a lawyer: the lawyers on duty were alerted (%(count)s)."
        ) % {"count": count}
    return _(
        "Emergency appeal without a lawyer: nobody was on duty, the coordinators were alerted "
        "(%(count)s)."
    ) % {"count": count}


register("appeal.alert", _l("Emergency alert sent"), _emergency_alerted, timeline=True)


def _closing_work(d: Data, names: Names) -> str | None:
    if "tasks_done" not in d:
        return None
    parts = []
    if d["tasks_done"]:
        parts.append(_("tasks completed: %(count)s") % {"count": len(d["tasks_done"])})
    if d.get("tasks_kept"):
        parts.append(_("tasks kept open: %(count)s") % {"count": len(d["tasks_kept"])})
    if d.get("tasks_handed"):
        parts.append(_("tasks handed over: %(count)s") % {"count": len(d["tasks_handed"])})
    if d.get("hearings_cancelled"):
        parts.append(_("hearings cancelled: %(count)s") % {"count": len(d["hearings_cancelled"])})
    if d.get("hearings_kept"):
        parts.append(_("hearings kept: %(count)s") % {"count": len(d["hearings_kept"])})
    return _("On closing the case: %(decisions)s.") % {"decisions": "; ".join(parts)}


def _tasks_moved(d: Data, names: Names) -> str | None:
    if "tasks" not in d:
        return None
    values = {
        "count": len(d["tasks"]),
        "from": names.get("user", d.get("from"), _("nobody")),
        "to": names.get("user", d.get("to"), "?"),
    }
    if "from" not in d:  # handed over on closing, each task from its own assignee
        return _("Handed open tasks (%(count)s) over to %(to)s.") % values
    return _("Moved open tasks (%(count)s) from %(from)s to %(to)s.") % values


def _closed_alerted(d: Data, names: Names) -> str | None:
    if "recipients" not in d:
        return None
    return _(
        "New appeal in a closed case: the lawyer and the coordinators were alerted (%(count)s)."
    ) % {"count": len(d["recipients"])}


register("case.close_work", _l("Open work decided on closing"), _closing_work, timeline=True)
register(
    "task.reassign",
    _l("Open tasks handed over"),
    _tasks_moved,
    timeline=True,
    refs={"from": "user", "to": "user"},
)
register(
    "appeal.closed_alert",
    _l("New appeal in a closed case alerted"),
    _closed_alerted,
    timeline=True,
)
