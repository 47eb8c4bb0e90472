"""Legal aid and rehabilitation: facts of the case's work, kept on its appeals.

The yearly statistics count ``Appeal.legal_aid`` (appeals by ``received_on``) and
``Appeal.rehabilitation_started_on`` (distinct victims by that date). Those fields are
not a second record beside the work: they are what the work says, merged with what a
source recorded directly (the register import's columns, the API's and the registration
form's fields). The rule, written once here (docs/architecture.md, "Statistics"):

- **Legal aid given** on an appeal: the appeal was recorded with legal aid, or the case
  holds a legal-aid referral of the appeal's victim, to a partner or, without a partner,
  to the organisation's own lawyers. Assigning a lawyer to the case is not legal aid by
  itself: intake assigns one before anyone has looked at the case.
- **Rehabilitation started**: the kinds of the victim's medical and psychological
  referrals on the case join the kind the appeal was recorded with, and it started on the
  earliest of their start dates and the recorded one. A referral recorded without a start
  date starts the day it is recorded (``referral_add``).
- An appeal without a recorded victim takes the referrals of the case's victims.
- Ending a referral changes nothing: the aid was given, the rehabilitation started.

Precedence: the derivation only adds (legal aid over none, a kind over none, the earlier
date); it never takes away what a source recorded. A source that writes its own values
(a re-imported row) runs the derivation again afterwards, so a file cannot erase work
recorded in the staff pages, and work recorded in the staff pages never erases a file's
facts. Every service that changes the work calls ``appeal_facts_refresh`` inside its own
transaction; the count table's triggers see the UPDATE like any other.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from himoya.cases.models import Appeal, CaseParty, PartyRole, Referral, ReferralKind, Rehabilitation
from himoya.cases.snapshot import referral_kinds

REHABILITATION_KINDS = frozenset({ReferralKind.MEDICAL.value, ReferralKind.PSYCHOLOGICAL.value})
_CODE_OF: dict[frozenset[str], str] = {
    frozenset(str(k) for k in referral_kinds(code)): str(code) for code in Rehabilitation.values
}


@dataclass
class Work:
    """What one person's referrals on one case say."""

    legal_aid: bool = False
    kinds: set[str] = field(default_factory=set)
    started_on: dt.date | None = None

    def add(self, kind: str, started_on: dt.date | None) -> None:
        if kind == ReferralKind.LEGAL:
            self.legal_aid = True
        elif kind in REHABILITATION_KINDS and started_on is not None:
            # An undated referral (only rows from before referral_add dated them) has no
            # year to be counted in, so it starts nothing.
            self.kinds.add(kind)
            self.started_on = _earliest(self.started_on, started_on)


@dataclass(frozen=True)
class Facts:
    legal_aid: bool
    rehabilitation: str
    rehabilitation_started_on: dt.date | None


def _earliest(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def merged_facts(recorded: Facts, work: Iterable[Work]) -> Facts:
    """The facts an appeal holds: what was recorded on it, joined by the work (see the
    module doc for why this only ever adds)."""
    legal_aid = recorded.legal_aid
    kinds = {str(k) for k in referral_kinds(recorded.rehabilitation)}
    started_on = recorded.rehabilitation_started_on if kinds else None
    for item in work:
        legal_aid = legal_aid or item.legal_aid
        if item.kinds:
            kinds |= item.kinds
            started_on = _earliest(started_on, item.started_on)
    return Facts(legal_aid, _CODE_OF[frozenset(kinds)], started_on)


FIELDS = ["legal_aid", "rehabilitation", "rehabilitation_started_on"]


class CaseWork:
    """The referrals and victims of some cases, read in two queries, to merge into their
    appeals' facts."""

    def __init__(self, case_ids: Iterable[int]) -> None:
        ids = sorted(set(case_ids))
        self.work: dict[tuple[int, int], Work] = defaultdict(Work)
        for case_id, person_id, kind, started_on in Referral.objects.filter(
            case_id__in=ids
        ).values_list("case_id", "person_id", "kind", "started_on"):
            self.work[(case_id, person_id)].add(kind, started_on)
        self.victims: dict[int, set[int]] = defaultdict(set)
        for case_id, person_id in CaseParty.objects.filter(
            case_id__in=ids, role=PartyRole.VICTIM
        ).values_list("case_id", "person_id"):
            self.victims[case_id].add(person_id)

    def facts(self, case_id: int, victim_id: int | None, recorded: Facts) -> Facts:
        """The facts of an appeal of ``case_id`` about ``victim_id`` (or about the case's
        victims when it names none) that was recorded with ``recorded``."""
        people = {victim_id} if victim_id else self.victims.get(case_id, set())
        found = (self.work[(case_id, p)] for p in people if (case_id, p) in self.work)
        return merged_facts(recorded, found)


def recorded_facts(appeal: Appeal) -> Facts:
    return Facts(appeal.legal_aid, appeal.rehabilitation, appeal.rehabilitation_started_on)


def appeal_facts_refresh(case_ids: Iterable[int]) -> list[int]:
    """Brings the legal aid and rehabilitation of the appeals of ``case_ids`` in line
    with the cases' referrals; returns the ids of the appeals that changed.

    Not a service of its own: the service that changed the work has checked the
    permission, holds the transaction and records the audit event (it may name the
    returned appeals)."""
    ids = sorted(set(case_ids))
    if not ids:
        return []
    work = CaseWork(ids)
    changed: list[Appeal] = []
    appeals = (
        Appeal.objects.filter(case_id__in=ids)
        .only("id", "case_id", "victim_id", *FIELDS)
        .order_by("id")
        .select_for_update(of=("self",))
    )
    for appeal in appeals:
        recorded = recorded_facts(appeal)
        facts = work.facts(appeal.case_id, appeal.victim_id, recorded)
        if facts != recorded:
            appeal.legal_aid = facts.legal_aid
            appeal.rehabilitation = facts.rehabilitation
            appeal.rehabilitation_started_on = facts.rehabilitation_started_on
            changed.append(appeal)
    if changed:
        Appeal.objects.bulk_update(changed, FIELDS, batch_size=500)
    return [appeal.pk for appeal in changed]
