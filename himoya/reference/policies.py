"""Who may change reference data: vocabularies, places of detention, partners.

Vocabularies, regions and places of detention are shared by every organisation of the
instance: retiring a channel in one would break another's appeals. They are changed by
reference stewards (and instance superusers) only. A place of detention that is not in
the registry yet may be proposed by whoever records where people are held; it is added
unverified until a steward checks it. Partners belong to one organisation.
"""

from __future__ import annotations

from typing import Any

from himoya.accounts.models import Role
from himoya.core.policies import policy

# Who records custody, violations and appeals' places, and so meets new ones.
PROPOSERS = (Role.COORDINATOR, Role.LAWYER, Role.MONITOR)


def is_steward(user: Any) -> bool:
    from himoya.reference.models import Steward

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or Steward.objects.filter(user_id=user.pk).exists())


@policy("vocabulary.manage")
def vocabulary_manage(user: Any, obj: Any) -> bool:
    """Terms and regions: add, rename, retire."""
    return is_steward(user)


@policy("facility.manage")
def facility_manage(user: Any, obj: Any) -> bool:
    """Places of detention: edit, verify."""
    return is_steward(user)


@policy("facility.propose")
def facility_propose(user: Any, obj: Any) -> bool:
    """Add a place of detention to the registry (unverified unless a steward adds it)."""
    return user.role in PROPOSERS or is_steward(user)


@policy("reference.changes")
def reference_changes(user: Any, obj: Any) -> bool:
    """The instance-level record of changes to shared reference data: every
    organisation's coordinators and administrators, and the stewards."""
    return bool(
        (user.organisation_id and user.role in (Role.COORDINATOR, Role.ADMIN)) or is_steward(user)
    )


@policy("steward.grant")
def steward_grant(user: Any, obj: Any) -> bool:
    """Naming and removing stewards: the instance's superusers (and the operator's CLI)."""
    return bool(user.is_superuser)


@policy("admin.site")
def admin_site(user: Any, obj: Any) -> bool:
    """Opening /staff/admin/ (himoya.core.admin_site): staff accounts (organisations'
    administrators keep their partners there) and the stewards, who edit the shared
    vocabularies only there. What each sees is each model admin's rule."""
    return bool(user.is_staff) or is_steward(user)


@policy("partner.manage")
def partner_manage(user: Any, organisation: Any) -> bool:
    return user.role in (Role.COORDINATOR, Role.ADMIN) and (
        user.organisation_id == getattr(organisation, "pk", None)
    )
