"""Who may issue and revoke personal API tokens."""

from __future__ import annotations

from typing import Any

from himoya.core.policies import policy


@policy("api_token.issue")
def api_token_issue(user: Any, obj: Any) -> bool:
    """Any active staff member, for themselves (the API then grants exactly what the
    staff app grants them). Reaching the page already required completed 2FA."""
    return bool(user.is_active)


@policy("api_token.revoke")
def api_token_revoke(user: Any, token: Any) -> bool:
    """The token's owner, or a coordinator or administrator of the owner's organisation
    (to cut off a lost laptop or a departing colleague)."""
    if token is None:
        return False
    if token.user_id == user.pk:
        return True
    owner = token.user
    return bool(
        user.is_org_manager
        and owner.organisation_id is not None
        and owner.organisation_id == user.organisation_id
    )
