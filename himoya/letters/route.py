"""A case's escalation route: which of seed 001's steps and which UN mechanisms it has
used, what comes next, and whether an individual communication to CAT or the Human
Rights Committee is admissible yet, each answer with its reasons in plain words and the
facts it rests on.

Everything is derived from records: the case's appeals, its documentation, the letters
it sent (a letter counts once it was sent) and their recipients' kinds, and its court
decisions (``litigation``; a decision the lawyer marked final is the final domestic
decision), and the case lawyer's findings that a domestic remedy was ineffective,
unavailable or unreasonably prolonged (``remedies.py``): without a final decision, such
a finding is what lets a communication go ahead, on the grounds the treaty's text gives
(``Mechanism.exceptions``). The steps, mechanisms, time limits and acceptances are data
(``route_data.py``, from domain.md). Nothing is stored: the panel computes it on reading.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from himoya.cases.models import Case
from himoya.documentation.models import Evaluation, Interview
from himoya.letters.models import IneffectiveRemedy, Letter, Outcome, RemedyFault
from himoya.letters.remedies import remedies_in_force
from himoya.letters.route_data import (
    MECHANISMS,
    ONE_COMMITTEE_ONLY,
    REMEDY_CHOICES,
    ROUTE_COUNTRIES,
    STEPS,
    Mechanism,
    Step,
    acceptance,
)
from himoya.litigation.models import CourtDecision

# Answers to an admissibility question.
YES, NO, CHECK, SENT = "yes", "no", "check", "sent"


def _d(day: dt.date) -> str:
    return date_format(day, "DATE_FORMAT")


@dataclass
class StepState:
    step: Step
    done: bool
    facts: list[str] = field(default_factory=list)


@dataclass
class MechanismState:
    mechanism: Mechanism
    letters: list[Letter]

    @property
    def used(self) -> bool:
        return bool(self.letters)


@dataclass
class Admissibility:
    mechanism: Mechanism
    answer: str  # YES, NO, CHECK (a lawyer's judgement is needed) or SENT
    reasons: list[str]
    facts: list[str]
    sources: list[str]


@dataclass
class Route:
    steps: list[StepState]
    mechanisms: list[MechanismState]
    next_step: StepState | None
    next_text: str
    admissibility: list[Admissibility]
    final_decision: CourtDecision | None
    country_note: str
    remedies: list[IneffectiveRemedy] = field(default_factory=list)


def _letter_fact(letter: Letter) -> str:
    assert letter.sent_on is not None
    fact = _("Letter to %(recipient)s sent on %(date)s") % {
        "recipient": letter.recipient.name,
        "date": _d(letter.sent_on),
    }
    if letter.outcome and letter.answered_on:
        fact += "; " + _("answer of %(date)s: %(outcome)s") % {
            "date": _d(letter.answered_on),
            "outcome": Outcome(letter.outcome).label,
        }
    elif letter.due_on:
        fact += "; " + _("no answer yet, due %(date)s") % {"date": _d(letter.due_on)}
    return fact


def remedy_fact(finding: IneffectiveRemedy) -> str:
    """A finding in plain words, with who made it."""
    return _(
        "“%(remedy)s”: %(fault)s since %(date)s (recorded by %(lawyer)s). The reason: %(reason)s"
    ) % {
        "remedy": dict(REMEDY_CHOICES).get(finding.remedy, finding.remedy),
        "fault": RemedyFault(finding.fault).label,
        "date": _d(finding.since),
        "lawyer": finding.recorded_by or "—",
        "reason": finding.reason,
    }


def _takes(step: Step, letter: Letter) -> bool:
    if letter.recipient.kind not in step.recipient_kinds:
        return False
    if not step.name_words:
        return True
    name = letter.recipient.name.casefold()
    return any(word in name for word in step.name_words)


def _steps(case: Case, sent: list[Letter], remedies: list[IneffectiveRemedy]) -> list[StepState]:
    states = []
    for step in STEPS:
        state = StepState(step, done=False)
        if step.code == "tell":
            appeals = sorted(a.received_on for a in case.appeals.all())
            if appeals:
                state.done = True
                state.facts.append(
                    _("The organisation was told on %(date)s (the case's appeal).")
                    % {"date": _d(appeals[0])}
                )
        elif step.code == "record":
            interviews = Interview.objects.filter(case=case).order_by("held_on")
            evaluations = Evaluation.objects.filter(case=case).order_by("examined_on")
            if first := interviews.values_list("held_on", flat=True).first():
                state.facts.append(_("Allegation interview of %(date)s.") % {"date": _d(first)})
            if first := evaluations.values_list("examined_on", flat=True).first():
                state.facts.append(
                    _("Medical or psychological evaluation of %(date)s.") % {"date": _d(first)}
                )
            state.done = bool(state.facts)
        else:
            for letter in sent:
                if _takes(step, letter):
                    state.done = True
                    state.facts.append(_letter_fact(letter))
        # A finding on a step is shown there; it does not take the step.
        state.facts.extend(remedy_fact(f) for f in remedies if f.remedy == step.code)
        states.append(state)
    return states


def final_decision(case: Case) -> CourtDecision | None:
    """The latest decision the lawyer marked final (no further ordinary remedy)."""
    return (
        CourtDecision.objects.filter(proceeding__case=case, final=True)
        .select_related("proceeding")
        .order_by("-decided_on", "-id")
        .first()
    )


def _years_between(start: dt.date, end: dt.date) -> tuple[int, int]:
    """Whole years and the days beyond them."""
    years = end.year - start.year - ((end.month, end.day) < (start.month, start.day))
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        anniversary = start.replace(year=start.year + years, day=28)
    return years, (end - anniversary).days


def _add_years(start: dt.date, years: int) -> dt.date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def _admissibility(
    case: Case,
    mechanism: Mechanism,
    used: dict[str, list[Letter]],
    sent: list[Letter],
    final: CourtDecision | None,
    today: dt.date,
    remedies: list[IneffectiveRemedy],
) -> Admissibility:
    reasons: list[str] = []
    facts: list[str] = []
    sources = [mechanism.source]
    blocked = check = False
    if used[mechanism.kind]:
        first = used[mechanism.kind][0]
        assert first.sent_on is not None
        return Admissibility(
            mechanism,
            SENT,
            [_("A communication was sent on %(date)s.") % {"date": _d(first.sent_on)}],
            [_letter_fact(first)],
            sources,
        )
    # The state's acceptance of the procedure.
    accepted = acceptance(case.country, mechanism.kind)
    if accepted is None:
        check = True
        reasons.append(_("Whether this state accepts such communications is not recorded."))
    else:
        facts.append(accepted.fact + f" ({accepted.source})")
        if not accepted.verified:
            check = True
            reasons.append(
                _("That this state accepts such communications is not verified: check it.")
            )
    # Domestic remedies.
    if final is None and remedies:
        excused_check = _not_exhausted_but_excused(
            mechanism, remedies, today, reasons, facts, sources
        )
        check = check or excused_check
    elif final is None:
        blocked = True
        reasons.append(
            _(
                "Domestic remedies are not exhausted: no court decision is recorded as final "
                "(mark the last decision as final in Litigation once no ordinary remedy is left)."
            )
        )
        reasons.append(
            _(
                "If a remedy was ineffective, not available or unreasonably prolonged, the "
                "case's lawyer can record that below, with the reason."
            )
        )
        refusals = [
            letter
            for letter in sent
            if letter.outcome in (Outcome.REFUSED, Outcome.NO_ANSWER)
            and letter.recipient.kind not in {m.kind for m in MECHANISMS}
        ]
        facts.extend(_letter_fact(letter) for letter in refusals)
    else:
        facts.append(
            _("Final decision: %(instance)s, %(court)s, %(date)s.")
            % {
                "instance": final.proceeding.get_instance_display(),
                "court": final.proceeding.court,
                "date": _d(final.decided_on),
            }
        )
        years, days = _years_between(final.decided_on, today)
        facts.append(
            _("%(years)s full years and %(days)s days since the final decision.")
            % {"years": years, "days": days}
        )
        if mechanism.limit_years is not None:
            sources.append(f"{mechanism.limit_rule} ({mechanism.source})")
            ends = _add_years(final.decided_on, mechanism.limit_years)
            if today > ends:
                blocked = True
                reasons.append(
                    _(
                        "More than %(years)s years have passed since the final decision: "
                        "a communication now would be an abuse of the right to submit one."
                    )
                    % {"years": mechanism.limit_years}
                )
            else:
                reasons.append(
                    _(
                        "The time limit of %(years)s years after the final decision ends "
                        "on %(date)s."
                    )
                    % {"years": mechanism.limit_years, "date": _d(ends)}
                )
        else:
            reasons.append(
                _(
                    "No time limit for this committee is recorded in the reference data: the time "
                    "since the final decision is shown, none is computed."
                )
            )
    if final is not None:
        facts.extend(remedy_fact(f) for f in remedies)
    # The same matter before another international body.
    for other in MECHANISMS:
        if other.kind == mechanism.kind or not used[other.kind]:
            continue
        letter = used[other.kind][0]
        facts.append(_letter_fact(letter))
        if mechanism.kind in ONE_COMMITTEE_ONLY and other.kind in ONE_COMMITTEE_ONLY:
            blocked = True
            reasons.append(
                _("The same matter went to %(other)s: a communication goes to one committee only.")
                % {"other": other.title}
            )
        else:
            check = True
            reasons.append(
                _(
                    "The matter went to %(other)s. Whether that counts as another international "
                    "procedure is not settled in the reference data: a lawyer decides."
                )
                % {"other": other.title}
            )
    if not blocked and not check:
        reasons.insert(0, _("Admissible on the recorded facts."))
    answer = NO if blocked else CHECK if check else YES
    return Admissibility(mechanism, answer, reasons, facts, [s for s in sources if s])


def _not_exhausted_but_excused(
    mechanism: Mechanism,
    remedies: list[IneffectiveRemedy],
    today: dt.date,
    reasons: list[str],
    facts: list[str],
    sources: list[str],
) -> bool:
    """No decision is final, but the lawyer found remedies ineffective, unavailable or
    prolonged. Adds the reasons and facts; True when a lawyer must still check (a
    ground the treaty's text does not name, or a time limit with no date to count
    from)."""
    check = False
    facts.extend(remedy_fact(f) for f in remedies)
    named = [f for f in remedies if f.fault in mechanism.exceptions]
    sources.append(mechanism.exception_rule)
    if named:
        first = named[0]
        reasons.append(
            _(
                "Domestic remedies need not be exhausted: “%(remedy)s”, %(fault)s since "
                "%(date)s, as the case's lawyer recorded. The reason: %(reason)s"
            )
            % {
                "remedy": dict(REMEDY_CHOICES).get(first.remedy, first.remedy),
                "fault": RemedyFault(first.fault).label,
                "date": _d(first.since),
                "reason": first.reason,
            }
        )
    else:
        check = True
        reasons.append(
            _(
                "No court decision is final. The lawyer recorded a remedy as %(fault)s, a "
                "ground this committee's text does not name: a lawyer decides whether its "
                "case law accepts it."
            )
            % {"fault": RemedyFault(remedies[0].fault).label}
        )
    if mechanism.limit_years is not None:
        check = True
        start = (named or remedies)[0].since
        ends = _add_years(start, mechanism.limit_years)
        sources.append(f"{mechanism.limit_rule} ({mechanism.source})")
        reasons.append(
            _(
                "The time limit of %(years)s years runs from the exhaustion of remedies, and "
                "none is final: counted from %(date)s, the date the lawyer recorded, it ends "
                "on %(end)s. Check the date it runs from."
            )
            % {"years": mechanism.limit_years, "date": _d(start), "end": _d(ends)}
        )
        if today > ends:
            reasons.append(_("Counted so, that limit has passed."))
    return check


def case_route(case: Case, today: dt.date | None = None) -> Route:
    today = today or timezone.localdate()
    sent = list(
        Letter.objects.filter(case=case, sent_on__isnull=False)
        .select_related("recipient")
        .order_by("sent_on", "pk")
    )
    remedies = list(remedies_in_force(case))
    steps = _steps(case, sent, remedies)
    used = {m.kind: [x for x in sent if x.recipient.kind == m.kind] for m in MECHANISMS}
    mechanisms = [MechanismState(m, used[m.kind]) for m in MECHANISMS]
    final = final_decision(case)
    admissibility = [
        _admissibility(case, m, used, sent, final, today, remedies)
        for m in MECHANISMS
        if m.communication
    ]
    next_step = next((s for s in steps if not s.done), None)
    next_text = _next_text(next_step, admissibility)
    note = ""
    if case.country not in ROUTE_COUNTRIES:
        note = _(
            "The route is seed 001's, written by a Kazakh organisation; steps that name "
            "Kazakh bodies stand for their counterparts here."
        )
    return Route(steps, mechanisms, next_step, next_text, admissibility, final, note, remedies)


def _next_text(next_step: StepState | None, admissibility: list[Admissibility]) -> str:
    if next_step is None:
        return _("Every step of the route was taken.")
    if next_step.step.code == "un":
        if any(a.answer == YES for a in admissibility):
            return _(
                "Step 7: a communication to a UN committee is admissible on the recorded facts."
            )
        if any(a.answer == CHECK for a in admissibility):
            return _("Step 7, once a lawyer has checked what is marked below.")
        return _(
            "Step 7 waits: a UN communication is not admissible yet (see below). An urgent "
            "appeal to the Special Rapporteur on torture needs no exhausted remedies."
        )
    return _("Step %(number)s: %(title)s.") % {
        "number": next_step.step.number,
        "title": next_step.step.title,
    }
