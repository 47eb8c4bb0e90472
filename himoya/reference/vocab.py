"""Codes of the controlled vocabularies that code refers to by name.

The vocabularies themselves (labels in four languages, sources, which terms are active)
are data in the Term table, editable by coordinators; code only knows these codes,
which the interchange formats (../shared/interchange.md) fix.
"""

from __future__ import annotations

VIOLATION = "violation"
AGENCY = "agency"
CHANNEL = "channel"
FACILITY_TYPE = "facility_type"
OUTCOME = "outcome"
# Methods of torture and ill-treatment an allegation interview records (documentation).
METHOD = "method"

VOCABULARIES = (VIOLATION, AGENCY, CHANNEL, FACILITY_TYPE, OUTCOME, METHOD)

CHANNELS = ("in_person", "phone", "letter", "email", "web", "telegram", "whatsapp", "visit")
VIOLATIONS = (
    "torture",
    "ill_treatment",
    "threats",
    "detention_conditions",
    "medical_care",
    "unfair_trial",
    "parole",
    "reprisal",
    "death_in_custody",
    "other",
)
AGENCIES = (
    "police",
    "penitentiary",
    "national_security",
    "customs",
    "prosecutor",
    "military",
    "other",
    "unknown",
)
FACILITY_TYPES = ("ivs", "sizo", "colony", "special", "psychiatric", "military", "other")
