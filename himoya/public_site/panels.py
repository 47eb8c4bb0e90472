"""The case page's "Public story" panel (registered on ``case_page``): for whoever may
edit the case, the stories the case is behind and the form proposing one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from himoya.cases.models import Case
from himoya.cases.panels import case_page
from himoya.core.panels import Panel
from himoya.core.policies import can
from himoya.core.views import staff_user
from himoya.documentation.models import Consent, ConsentKind
from himoya.documentation.services.consents import victims
from himoya.public_site.story_forms import StoryProposeForm
from himoya.public_site.story_services import case_stories, visible_stories


def _may_propose(user: Any, case: Case) -> bool:
    return can(user, "case.edit", case)


def stories(request: HttpRequest, case: Case, forms: Mapping[str, Any]) -> dict[str, Any]:
    people = victims(case)
    consented = set(
        Consent.objects.filter(
            case=case, kind=ConsentKind.PUBLICATION, revoked_at__isnull=True
        ).values_list("person_id", flat=True)
    )
    found = case_stories(case)
    # A draft and its reviewer's note are for the author and the coordinators only.
    visible = visible_stories(staff_user(request)).filter(pk__in=[s.pk for s in found])
    readable = set(visible.values_list("pk", flat=True))
    for story in found:
        story.readable = story.pk in readable  # type: ignore[attr-defined]
    return {
        "stories": found,
        "publication_consent": bool(people) and all(p.pk in consented for p in people),
        "story_form": forms.get("story_form") or StoryProposeForm(),
    }


case_page.register(
    Panel(
        id="public-story",
        title=_("Public story"),
        template="public_site/staff/case_stories.html",
        context=stories,
        visible=_may_propose,
        order=670,
    )
)
