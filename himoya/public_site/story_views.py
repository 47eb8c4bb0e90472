"""Staff pages of public stories: the case page's "propose a story" handler, the list
of stories waiting for review, the review page (checklist, approve and publish, or send
back with a note) and the author's page to edit the text and send it for review again."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from himoya.accounts.models import User
from himoya.cases.forms import add_service_errors
from himoya.cases.views.case_action import CaseAction, Data
from himoya.core.access import access_object
from himoya.core.policies import can
from himoya.core.views import staff_user
from himoya.public_site import story_services
from himoya.public_site.stories import StoryReview
from himoya.public_site.story_forms import (
    StoryApproveForm,
    StoryEditForm,
    StoryProposeForm,
    StorySendBackForm,
)


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


def _find(request: HttpRequest, pk: int) -> tuple[User, StoryReview]:
    user = staff_user(request)
    return user, access_object(story_services.visible_stories(user), pk, user=user)


def _review_page(
    request: HttpRequest,
    user: User,
    found: StoryReview,
    *,
    form: StoryApproveForm | None = None,
    send_back: StorySendBackForm | None = None,
    status: int = 200,
) -> HttpResponse:
    page = found.page.get_latest_revision_as_object()
    revision = found.page.latest_revision_id
    context = {
        "review": found,
        "page": page,
        "form": form or StoryApproveForm(initial={"revision": revision}),
        "send_back": send_back or StorySendBackForm(),
        "may_approve": can(user, "story.review", found),
        "may_edit": story_services.may_change(user, found),
    }
    return render(request, "public_site/staff/review.html", context, status=status)


@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    user, found = _find(request, pk)
    if request.method == "GET":
        return _review_page(request, user, found)
    if not can(user, "story.review", found):
        raise PermissionDenied
    form = StoryApproveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            story_services.story_approve(
                actor=user,
                review=found,
                no_names=data["no_names"],
                no_identifying_details=data["no_identifying_details"],
                no_faces=data["no_faces"],
                revision_id=data["revision"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The story is published."))
            return redirect("stories:review_list")
    return _review_page(request, user, found, form=form, status=400)


@require_POST
def send_back(request: HttpRequest, pk: int) -> HttpResponse:
    user, found = _find(request, pk)
    if not can(user, "story.review", found):
        raise PermissionDenied
    form = StorySendBackForm(request.POST)
    if form.is_valid():
        try:
            story_services.story_send_back(actor=user, review=found, note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The story is sent back to its author with your note."))
            return redirect("stories:review_list")
    return _review_page(request, user, found, send_back=form, status=400)


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    user, found = _find(request, pk)
    if not story_services.may_change(user, found):
        raise PermissionDenied
    form = StoryEditForm(request.POST or None, initial=story_services.story_text(found))
    if request.method == "POST" and form.is_valid():
        try:
            story_services.story_edit(actor=user, review=found, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The new text is saved."))
            return redirect("stories:review", found.pk)
    status = 400 if request.method == "POST" else 200
    context = {"review": found, "form": form}
    return render(request, "public_site/staff/story_edit.html", context, status=status)


@require_POST
def resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    user, found = _find(request, pk)
    try:
        story_services.story_resubmit(actor=user, review=found)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The story is sent for review again."))
    return redirect("stories:review", found.pk)
