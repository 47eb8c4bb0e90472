"""The escalation route as data: seed 001's seven steps, the UN mechanisms, and what
../shared/domain.md says about each (with where it says it). ``route.py`` reads only this;
no step, time limit or acceptance is written anywhere else in the code.

Facts domain.md marks VERIFY are here with ``verified=False`` and are shown as such: the
route never concludes from them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SEED_001 = "Seed 001 (../shared/seeds/001), ../shared/domain.md “Seed 001: the step-by-step route”"
UN_SOURCE = "../shared/domain.md, “UN mechanisms”"


@dataclass(frozen=True)
class Step:
    number: int
    code: str
    title: Promise
    # Letters sent to recipients of these kinds take the step.
    recipient_kinds: tuple[str, ...] = ()
    # Among several bodies of one kind (NGO partners), the one the step names: a word of
    # the recipient's name, lower case, in any of the languages it may be written in.
    name_words: tuple[str, ...] = ()
    source: str = SEED_001


STEPS: tuple[Step, ...] = (
    # Taken when someone told the organisation (the case's appeal).
    Step(1, "tell", _("Tell third parties about the crime")),
    # Taken when an allegation interview or a medical evaluation is recorded.
    Step(2, "record", _("Record the injuries and the circumstances")),
    Step(
        3,
        "prosecutor",
        _("Apply to the prosecutor at the place of residence"),
        ("prosecutor_regional", "prosecutor_general"),
    ),
    Step(4, "ombudsman", _("Apply to the Human Rights Commissioner"), ("ombudsman",)),
    Step(
        5,
        "coalition",
        _("Send the same appeal to the NGO Coalition against Torture"),
        ("ngo",),
        ("коалиц", "coalition", "коалиция"),
    ),
    Step(
        6,
        "kibhr",
        _("Apply to the Kazakhstan International Bureau for Human Rights and Rule of Law"),
        ("ngo",),
        ("бюро", "bureau", "kibhr", "кмбпч"),
    ),
    Step(
        7,
        "un",
        _("Apply to the UN Committee against Torture or the UN Human Rights Committee"),
        ("cat", "hrc"),
    ),
)

# The domestic remedies a lawyer may find ineffective (``models.IneffectiveRemedy``): the
# route's steps that are remedies (the NGO steps are not), and the courts, which the
# route reaches through the prosecutor's refusals.
REMEDY_STEPS = ("prosecutor", "ombudsman")
COURTS = "court"
REMEDY_CHOICES: tuple[tuple[str, Promise], ...] = (
    *((s.code, s.title) for s in STEPS if s.code in REMEDY_STEPS),
    (COURTS, _("The courts (a complaint against a decision, an appeal)")),
)

# Seed 001 is a Kazakh organisation's route; elsewhere it is shown as it is, with a note.
ROUTE_COUNTRIES = ("KZ",)


@dataclass(frozen=True)
class Mechanism:
    kind: str  # the RecipientKind of its letters
    title: Promise
    # An individual communication, whose admissibility the route assesses.
    communication: bool
    # Whether domain.md says domestic remedies must be exhausted (None: it says nothing).
    needs_exhaustion: bool | None
    # The time limit after the final domestic decision domain.md gives, in years, and its
    # words (None: domain.md gives none).
    limit_years: int | None
    limit_rule: str
    source: str = UN_SOURCE
    # The grounds (``models.RemedyFault``) on which the treaty's own text lets a remedy
    # go unexhausted, and where it says so. domain.md does not give them yet; these are
    # the treaty texts' words.
    exceptions: tuple[str, ...] = ()
    exception_rule: str = ""


MECHANISMS: tuple[Mechanism, ...] = (
    Mechanism(
        "cat",
        _("UN Committee against Torture"),
        communication=True,
        needs_exhaustion=True,
        limit_years=None,
        limit_rule="",
        exceptions=("ineffective", "unavailable", "prolonged"),
        exception_rule="CAT art. 22(5)(b): all available domestic remedies, except where "
        "their application is unreasonably prolonged or unlikely to bring effective relief",
    ),
    Mechanism(
        "hrc",
        _("UN Human Rights Committee"),
        communication=True,
        needs_exhaustion=True,
        limit_years=5,
        limit_rule="HRC: abuse of the right if filed over 5 years after exhausting domestic "
        "remedies",
        exceptions=("unavailable", "prolonged"),
        exception_rule="ICCPR OP1 art. 5(2)(b): all available domestic remedies, except where "
        "their application is unreasonably prolonged",
    ),
    Mechanism(
        "sr_torture",
        _("UN Special Rapporteur on torture"),
        communication=False,
        needs_exhaustion=False,
        limit_years=None,
        limit_rule="",
    ),
    Mechanism(
        "wgad",
        _("UN Working Group on Arbitrary Detention"),
        communication=False,
        needs_exhaustion=None,
        limit_years=None,
        limit_rule="",
        source="",
    ),
)

# "Individual complaint to CAT (art. 22) or the Human Rights Committee (OP1): one
# committee only" (domain.md): a communication to one bars the other.
ONE_COMMITTEE_ONLY = ("cat", "hrc")


@dataclass(frozen=True)
class Acceptance:
    """Whether a state accepted a committee's individual communications."""

    country: str
    kind: str
    fact: str
    verified: bool
    source: str


ACCEPTANCES: tuple[Acceptance, ...] = (
    Acceptance("KZ", "cat", "CAT art. 22 declaration made (2008)", True, "../shared/domain.md"),
    Acceptance("KZ", "hrc", "ICCPR OP1 in force 30 Sep 2009", True, "../shared/domain.md"),
    Acceptance("TJ", "cat", "CAT art. 22 acceptance: VERIFY", False, "../shared/domain.md"),
    Acceptance("TJ", "hrc", "ICCPR OP1 acceptance: VERIFY", False, "../shared/domain.md"),
)


def acceptance(country: str, kind: str) -> Acceptance | None:
    for a in ACCEPTANCES:
        if a.country == country and a.kind == kind:
            return a
    return None
