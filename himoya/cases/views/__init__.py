"""Staff pages for the lawyers' daily work, one module per subject: the case list
(``list``), registering appeals (``appeals``), the case page (``detail``, its own
panels in ``panels``, ``timeline``) and what is done from it (``actions``, ``work``, each
handler on ``case_action.CaseAction``), the dashboard's case panel (``dashboard``).

Views stay thin: they parse a form, call a service (which checks permissions and
writes the audit record) and render. Every read of case data starts from
``selectors.access_case`` / ``visible_cases`` / ``access_person``, which answer 404 for
missing and forbidden alike; records hanging off a case are looked up within it.
"""

from himoya.cases.views.actions import (
    case_assign,
    case_edit,
    case_share,
    case_status,
    case_unshare,
)
from himoya.cases.views.appeals import (
    appeal_letter,
    appeal_new,
    appeal_office,
    duplicate_hints,
)
from himoya.cases.views.clinicians import (
    clinician_assign,
    clinician_unassign,
)
from himoya.cases.views.closing import case_close
from himoya.cases.views.dashboard import (
    alert_read,
    dashboard,
)
from himoya.cases.views.detail import (
    case_detail,
)
from himoya.cases.views.list import (
    case_export,
    case_list,
)
from himoya.cases.views.persons import (
    party_add,
    person_edit,
)
from himoya.cases.views.urgent import (
    case_take,
)
from himoya.cases.views.work import (
    custody_add,
    hearing_add,
    note_add,
    referral_add,
    referral_close,
    task_add,
    task_done,
    violation_add,
)

__all__ = [
    "alert_read",
    "appeal_letter",
    "appeal_new",
    "appeal_office",
    "case_assign",
    "case_close",
    "case_take",
    "case_detail",
    "case_edit",
    "case_export",
    "case_list",
    "case_share",
    "case_status",
    "case_unshare",
    "clinician_assign",
    "clinician_unassign",
    "custody_add",
    "dashboard",
    "duplicate_hints",
    "hearing_add",
    "note_add",
    "party_add",
    "person_edit",
    "referral_add",
    "referral_close",
    "task_add",
    "task_done",
    "violation_add",
]
