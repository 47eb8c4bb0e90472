"""Staff pages of public stories: the case page's "propose a story" handler, the list
of stories waiting for review and the review page (checklist, approve and publish)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from himoya.cases.views.case_action import CaseAction, Data
from himoya.core.access import access_object
from himoya.core.policies import can
from himoya.core.views import staff_user
from himoya.public_site import story_services
from himoya.public_site.story_forms import StoryApproveForm, StoryProposeForm


@require_POST
def story_propose(request: HttpRequest, pk: int) -> HttpResponse:
    action = CaseAction(request, pk, anchor="public-story")
    action.require("case.edit")

    def perform(data: Data) -> None:
        story_services.story_propose(
            actor=action.user,
            case=action.case,
            language=data["language"],
            title=data["title"],
            summary=data["summary"],
            body=data["body"],
        )

    form = StoryProposeForm(request.POST)
    return action.submit(
        form, "story_form", perform, _("The story is sent for review. Another person approves it.")
    )


def review_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    rows = story_services.stories_to_review(user)
    for row in rows:
        row.may_approve = can(user, "story.review", row)  # type: ignore[attr-defined]
    return render(request, "public_site/staff/review_list.html", {"reviews": rows})


@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    found = access_object(story_services.visible_stories(user), pk, user=user)
    may_approve = can(user, "story.review", found)
    form = StoryApproveForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not may_approve:
            raise PermissionDenied
        status = 400
        if form.is_valid():
            try:
                story_services.story_approve(actor=user, review=found, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("The story is published."))
                return redirect("stories:review_list")
    page = found.page.get_latest_revision_as_object()
    context = {"review": found, "page": page, "form": form, "may_approve": may_approve}
    return render(request, "public_site/staff/review.html", context, status=status)
