"""Write services for appeals and cases, one module per subject (``zerver/actions/`` in
Zulip is the model).

Each checks the actor's permission, runs in one transaction, writes its audit event and
its timeline entry in it, and keeps the case's blind search index current. Web forms,
the API, the bot and the importers all call these, so they behave the same. Callers use
``from himoya.cases import services`` and ``services.appeal_register(...)``: every public
name is re-exported here.
"""

from himoya.cases.services.appeal_facts import appeal_facts_refresh
from himoya.cases.services.appeal_office import appeal_change_office
from himoya.cases.services.appeals import (
    AppealInput,
    appeal_register,
    next_case_number,
    reserve_case_numbers,
)
from himoya.cases.services.cases import (
    ALLOWED_TRANSITIONS,
    CaseChanges,
    ConcurrentEdit,
    case_assign,
    case_change_status,
    case_update,
)
from himoya.cases.services.clinicians import clinician_assign, clinician_unassign
from himoya.cases.services.closing import (
    Closing,
    HearingDecision,
    TaskDecision,
    case_close,
    closed_since,
    tasks_move,
)
from himoya.cases.services.common import (
    age_on,
    check_birth_date,
    check_consent,
    check_minor,
    not_in_future,
    parse_birth,
)
from himoya.cases.services.custody import (
    alert_mark_read,
    custody_record,
)
from himoya.cases.services.parties import party_add
from himoya.cases.services.persons import (
    PersonInput,
    check_person,
    person_update,
)
from himoya.cases.services.referrals import (
    referral_add,
    referral_close,
)
from himoya.cases.services.reopen import closed_case_alert
from himoya.cases.services.search import (
    case_search_items,
    case_search_texts,
    register_case_texts,
    reindex_case,
    search_texts,
)
from himoya.cases.services.sharing import (
    case_share,
    case_unshare,
)
from himoya.cases.services.urgent import emergency_alert
from himoya.cases.services.work import (
    hearing_add,
    note_add,
    task_add,
    task_complete,
    violation_add,
)
from himoya.cases.snapshot import AppealSnapshot, referral_kinds, violation_mask

__all__ = [
    "ALLOWED_TRANSITIONS",
    "AppealInput",
    "AppealSnapshot",
    "CaseChanges",
    "Closing",
    "HearingDecision",
    "TaskDecision",
    "ConcurrentEdit",
    "PersonInput",
    "age_on",
    "alert_mark_read",
    "appeal_change_office",
    "appeal_facts_refresh",
    "appeal_register",
    "case_assign",
    "case_change_status",
    "case_close",
    "closed_case_alert",
    "closed_since",
    "case_search_items",
    "case_search_texts",
    "register_case_texts",
    "case_share",
    "case_unshare",
    "case_update",
    "check_consent",
    "emergency_alert",
    "check_minor",
    "check_person",
    "clinician_assign",
    "clinician_unassign",
    "custody_record",
    "hearing_add",
    "next_case_number",
    "not_in_future",
    "note_add",
    "check_birth_date",
    "parse_birth",
    "party_add",
    "person_update",
    "referral_add",
    "referral_close",
    "referral_kinds",
    "reindex_case",
    "reserve_case_numbers",
    "search_texts",
    "task_add",
    "task_complete",
    "tasks_move",
    "violation_add",
    "violation_mask",
]
