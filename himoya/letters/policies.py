"""Who writes letters and who keeps what they are written from.

* Recipients are shared reference data of the whole instance (an address or deadline
  changed in one organisation would change every organisation's letters): reference
  stewards only (``letters.recipient.manage``), as for vocabularies.
* The corrections of the countries' calendars (``letters.calendar.manage``) move every
  organisation's due dates: reference stewards only, like the recipients.
* Templates are shared too, and are written by the people who know the letters:
  stewards, and coordinators of any organisation (``letters.template.manage``). Each
  upload is a new version; letters keep the version they were made from.
* A letter is case work (``case.edit``). Signing it off is a lawyer's act: the
  organisation's lawyers who may work on the case (``letters.sign``).
* That a domestic remedy was ineffective (for the escalation route) is recorded and
  withdrawn by the case's lawyer only (``letters.remedy.record``).
* A batch (the same letter for many cases) is made by the organisation's lawyers and
  coordinators (``letters.batch.create``), each case still under ``case.edit``.
"""

from __future__ import annotations

from typing import Any

from himoya.accounts.models import Role
from himoya.core.policies import can, policy
from himoya.reference.policies import is_steward


@policy("letters.recipient.manage")
def recipient_manage(user: Any, obj: Any) -> bool:
    return is_steward(user)


@policy("letters.calendar.manage")
def calendar_manage(user: Any, obj: Any) -> bool:
    return is_steward(user)


@policy("letters.template.manage")
def template_manage(user: Any, obj: Any) -> bool:
    return bool(user.organisation_id and user.role == Role.COORDINATOR) or is_steward(user)


@policy("letters.sign")
def letter_sign(user: Any, case: Any) -> bool:
    return user.role == Role.LAWYER and can(user, "case.edit", case)


@policy("letters.remedy.record")
def remedy_record(user: Any, case: Any) -> bool:
    """That a remedy was ineffective is a legal judgement the UN communication will be
    argued on: the case's own lawyer makes it (and withdraws it), nobody else."""
    return (
        user.role == Role.LAWYER
        and case is not None
        and case.lawyer_id == user.pk
        and can(user, "case.edit", case)
    )


@policy("letters.batch.create")
def batch_create(user: Any, obj: Any) -> bool:
    return bool(user.organisation_id) and user.role in (Role.LAWYER, Role.COORDINATOR)
