"""Stories: proposed by staff, approved and published by a second person, withdrawn when
the publication consent goes.

* ``story_propose``: a draft story page in one language, with the text its author wrote
  (nothing is copied from the case), sent for review. From a case it needs the right to
  edit the case and the publication consent of every victim of the case, checked inside
  the transaction (``require_consent`` locks the consents, so a revocation waits).
* ``story_approve``: someone other than the author confirms the anonymisation checklist
  and publishes the revision they read; the consent is checked again.
* ``stories_withdraw_for_case``: a revoked publication consent unpublishes the case's
  stories at once, in the revocation's transaction (``documentation.signals``).
"""

from __future__ import annotations

import html
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.models import Locale

from himoya.accounts.models import Organisation, Role, User
from himoya.cases.models import Case
from himoya.cases.services.common import user_of
from himoya.core.events import record_event
from himoya.core.fields import blind_lookup
from himoya.core.policies import require
from himoya.documentation.models import Consent, ConsentKind
from himoya.documentation.services import require_consent
from himoya.public_site.stories import StoryIndexPage, StoryPage, StoryReview


def story_index(language: str) -> StoryIndexPage | None:
    locale = Locale.objects.filter(language_code=language).first()
    if locale is None:
        return None
    return StoryIndexPage.objects.filter(locale=locale).first()


def paragraphs(text: str) -> str:
    """Plain text typed by the author as rich text: one paragraph per blank-line block."""
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    return "".join(f"<p>{html.escape(b).replace(chr(10), '<br>')}</p>" for b in blocks)


def _check_text(language: str, title: str, body: str) -> StoryIndexPage:
    errors: dict[str, str] = {}
    index = story_index(language)
    if index is None:
        errors["language"] = _("The public site has no stories page in this language.")
    if not title.strip():
        errors["title"] = _("Enter the title.")
    if not body.strip():
        errors["body"] = _("Write the story.")
    if errors or index is None:
        raise ValidationError(errors)
    return index


def story_propose(
    *,
    actor: Any,
    language: str,
    title: str,
    summary: str,
    body: str,
    case: Case | None = None,
    organisation: Organisation | None = None,
) -> StoryReview:
    """A draft story sent for review. With ``case``: the author may edit the case and
    every victim consented to publication; without, the author coordinates
    ``organisation``'s publications (``story.write``)."""
    author = user_of(actor)
    if author is None:
        raise PermissionDenied("story.propose needs a staff member as author")
    if case is not None:
        require(actor, "case.edit", case)
        organisation = case.organisation
    else:
        require(actor, "story.write", organisation)
    assert organisation is not None
    index = _check_text(language, title, body)
    with transaction.atomic():
        if case is not None:
            require_consent(case, ConsentKind.PUBLICATION)
        page = StoryPage(
            title=title.strip(), summary=summary.strip(), body=paragraphs(body), live=False
        )
        index.add_child(instance=page)
        page.save_revision(user=author, log_action=False)
        review = StoryReview.objects.create(
            organisation=organisation,
            page=page,
            case_ref=str(case.pk) if case is not None else "",
            author=author,
        )
        data = {"story": review.pk, "page": page.pk, "language": language}
        if case is not None:
            record_event(
                actor=actor,
                action="story.propose",
                obj=review,
                organisation=organisation,
                case=case,
                data={**data, "case": case.pk},
            )
        else:
            record_event(
                actor=actor,
                action="story.write",
                obj=review,
                organisation=organisation,
                data=data,
            )
    return review


def story_approve(
    *,
    actor: Any,
    review: StoryReview,
    no_names: bool,
    no_identifying_details: bool,
    no_faces: bool,
) -> StoryReview:
    """Publishes the story's latest revision, approved by someone other than its author
    who confirmed each point of the anonymisation checklist."""
    require(actor, "story.review", review)
    reviewer = user_of(actor)
    if reviewer is None or reviewer.pk == review.author_id:
        raise PermissionDenied("story.review: not by the author")
    if not (no_names and no_identifying_details and no_faces):
        raise ValidationError(
            _("Confirm each point of the anonymisation checklist, or send the story back.")
        )
    with transaction.atomic():
        locked = StoryReview.objects.select_for_update().get(pk=review.pk)
        if locked.state != StoryReview.State.REVIEW:
            raise ValidationError(_("This story is not waiting for review."))
        case = Case.objects.get(pk=locked.case_id) if locked.case_id else None
        if case is not None:
            require_consent(case, ConsentKind.PUBLICATION)
        page = locked.page
        revision = page.get_latest_revision()
        locked.state = StoryReview.State.PUBLISHED
        locked.no_names = locked.no_identifying_details = locked.no_faces = True
        locked.reviewer = reviewer
        locked.approved_revision = revision
        locked.approved_at = timezone.now()
        locked.save()
        revision.publish(user=reviewer, skip_permission_checks=True)
        data = {"story": locked.pk, "page": page.pk, "revision": revision.pk}
        if case is not None:
            record_event(
                actor=actor,
                action="story.publish",
                obj=locked,
                organisation=locked.organisation,
                case=case,
                data={**data, "case": case.pk},
            )
        else:
            record_event(
                actor=actor,
                action="story.publish.general",
                obj=locked,
                organisation=locked.organisation,
                data=data,
            )
    review.refresh_from_db()
    return review


def case_stories(case: Case) -> list[StoryReview]:
    """The stories a case is behind (staff side; the caller has found the case)."""
    rows = StoryReview.objects.filter(
        **blind_lookup(StoryReview, "case_index", str(case.pk), case.organisation_id)
    ).select_related("page", "page__locale", "author", "reviewer")
    # The index may collide; the sealed reference decides.
    return [r for r in rows if r.case_id == case.pk]


def stories_withdraw_for_case(*, actor: Any, case: Case) -> list[StoryReview]:
    """Unpublishes the case's live stories and stops the ones waiting for review. Called
    inside the revocation's transaction (the caller has recorded the revocation)."""
    withdrawn = []
    with transaction.atomic():
        for review in case_stories(case):
            if review.state == StoryReview.State.WITHDRAWN:
                continue
            locked = StoryReview.objects.select_for_update().get(pk=review.pk)
            locked.state = StoryReview.State.WITHDRAWN
            locked.withdrawn_at = timezone.now()
            locked.save(update_fields=["state", "withdrawn_at"])
            page = locked.page
            if page.live:
                # The consent's owner decides, not the page's editors: no page permission.
                UnpublishPageAction(page, user=user_of(actor)).execute(skip_permission_checks=True)
            record_event(
                actor=actor,
                action="story.withdraw",
                obj=locked,
                organisation=case.organisation,
                case=case,
                data={"story": locked.pk, "page": page.pk, "case": case.pk},
            )
            withdrawn.append(locked)
    return withdrawn


def on_consent_revoked(sender: Any, *, consent: Consent, actor: Any, **_kwargs: Any) -> None:
    if consent.kind == ConsentKind.PUBLICATION:
        stories_withdraw_for_case(actor=actor, case=consent.case)


def visible_stories(user: User) -> QuerySet[StoryReview]:
    """The stories a staff member may read before publication: a draft may still name
    someone, so only the organisation's coordinators (the reviewers) and the author."""
    if not user.organisation_id:
        return StoryReview.objects.none()
    rows = StoryReview.objects.filter(organisation_id=user.organisation_id)
    if user.role != Role.COORDINATOR:
        rows = rows.filter(author=user)
    return rows.select_related("page", "page__locale", "author")


def stories_to_review(user: User) -> list[StoryReview]:
    return list(visible_stories(user).filter(state=StoryReview.State.REVIEW))
