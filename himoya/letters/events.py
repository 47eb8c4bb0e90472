"""The events of letters (see himoya.core.events). Their data holds ids, codes and
dates; never a letter's text, its outgoing number or what an answer says."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from himoya.core.events import Names, register
from himoya.letters.models import Outcome, RemedyFault

Data = Mapping[str, Any]


def show_stored(value: Any) -> str:
    try:
        return date_format(dt.date.fromisoformat(str(value)), "DATE_FORMAT")
    except ValueError:
        return str(value)


def _create(d: Data, names: Names) -> str:
    return _("Made a letter from the template “%(template)s”.") % {"template": d.get("code", "")}


def _dispatch(d: Data, names: Names) -> str:
    if d.get("due_on"):
        return _("Registered a letter's dispatch on %(date)s; the answer is due on %(due)s.") % {
            "date": show_stored(d.get("sent_on", "")),
            "due": show_stored(d["due_on"]),
        }
    return _("Registered a letter's dispatch on %(date)s.") % {
        "date": show_stored(d.get("sent_on", ""))
    }


def _answer(d: Data, names: Names) -> str:
    code = d.get("outcome", "")
    label = str(Outcome(code).label) if code in Outcome.values else code
    return _("Recorded the answer to a letter: %(outcome)s.") % {"outcome": label}


register("letter.create", _l("Letter made"), _create, timeline=True)
register("letter.sign", _l("Letter signed off"), _l("Signed off a letter."), timeline=True)
register("letter.dispatch", _l("Letter sent"), _dispatch, timeline=True)
register("letter.answer", _l("Answer to a letter recorded"), _answer, timeline=True)
register(
    "letter.answer.read",
    _l("Answer read by OCR"),
    _l("Read the text of an answer's scan for the search."),
)
register(
    "letter.generate",
    _l("Letter's files made"),
    _l("Made a letter's DOCX and PDF in the background, or recorded why they could not be made."),
)
register(
    "letter.regenerate",
    _l("Letter's files asked for again"),
    _l("Asked for a letter's files again after they could not be made."),
    timeline=True,
)
register(
    "letter.batch.create", _l("Letter batch made"), _l("Made the same letter for several cases.")
)
register("letter.download", _l("Letter downloaded"), _l("Downloaded a letter's file."))
register("letter.remind", _l("Overdue answer reminded"), _l("Reminded of an overdue answer."))
register("letter.recipient.save", _l("Recipient saved"), _l("Saved a recipient of letters."))
register(
    "letter.template.upload", _l("Letter template uploaded"), _l("Uploaded a letter template.")
)


def _remedy(d: Data, names: Names) -> str:
    return _("Recorded that a domestic remedy was %(fault)s since %(date)s.") % {
        "fault": _fault(d.get("fault", "")),
        "date": show_stored(d.get("since", "")),
    }


def _fault(code: str) -> str:
    return str(RemedyFault(code).label) if code in RemedyFault.values else code


register("letter.remedy.record", _l("Ineffective remedy recorded"), _remedy, timeline=True)
register(
    "letter.remedy.withdraw",
    _l("Ineffective remedy withdrawn"),
    _l("Withdrew the finding that a domestic remedy was ineffective."),
    timeline=True,
)
register(
    "letter.template.public",
    _l("Letter template put on or off the public site"),
    _l("Put a letter template on the public site, or took it off."),
)


def _calendar_save(d: Data, names: Names) -> str:
    return _("Saved a correction of the calendar of %(country)s for %(date)s.") % {
        "country": d.get("country", ""),
        "date": show_stored(d.get("day", "")),
    }


def _due_move(d: Data, names: Names) -> str:
    return _(
        "The answer's due date moved from %(old)s to %(new)s with a correction of the calendar."
    ) % {"old": show_stored(d.get("from", "")), "new": show_stored(d.get("to", ""))}


register("letter.calendar.save", _l("Calendar correction saved"), _calendar_save)
register("letter.due.move", _l("Answer's due date moved"), _due_move, timeline=True)
register(
    "letter.files.sweep",
    _l("Orphan letter files swept"),
    _l("Looked for letter files no letter refers to, and removed them when asked."),
)
