"""Who writes and who approves public stories.

* From a case: whoever may edit the case proposes (``case.edit``, checked by the service).
* Without a case: the organisation's coordinators (``story.write``).
* Editing and sending for review again: the author (``story.edit``), while they still may
  edit the case (or, without a case, write stories): the service checks that too.
* Approving, publishing and sending back for changes: a coordinator of the story's
  organisation who did not write it (``story.review``): the second pair of eyes on the
  anonymisation.
"""

from __future__ import annotations

from typing import Any

from himoya.accounts.models import Role
from himoya.core.policies import policy


@policy("story.write")
def story_write(user: Any, organisation: Any) -> bool:
    return bool(
        organisation is not None
        and user.role == Role.COORDINATOR
        and user.organisation_id == organisation.pk
    )


@policy("story.review")
def story_review(user: Any, review: Any) -> bool:
    return (
        user.role == Role.COORDINATOR
        and user.organisation_id == review.organisation_id
        and user.pk != review.author_id
    )


@policy("story.edit")
def story_edit(user: Any, review: Any) -> bool:
    return user.organisation_id == review.organisation_id and user.pk == review.author_id
