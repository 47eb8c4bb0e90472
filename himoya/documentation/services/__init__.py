"""Writes of the documentation app (one module per subject), and ``require_consent``,
the one check of consent that downstream work calls."""

from himoya.documentation.services.consents import (
    ConsentMissing,
    consent_record,
    consent_revoke,
    require_consent,
    victims,
)
from himoya.documentation.services.evaluations import (
    evaluation_record,
    finding_add,
    finding_change,
    finding_delete,
)
from himoya.documentation.services.interviews import interview_record

__all__ = [
    "ConsentMissing",
    "consent_record",
    "consent_revoke",
    "evaluation_record",
    "finding_add",
    "finding_change",
    "finding_delete",
    "interview_record",
    "require_consent",
    "victims",
]
