"""Stories: proposed by staff, approved and published by a second person, withdrawn when
the publication consent goes.

* ``story_propose``: a draft story page in one language, with the text its author wrote
  (nothing is copied from the case), sent for review. From a case it needs the right to
  edit the case and the publication consent of every victim of the case, checked inside
  the transaction (``require_consent`` locks the consents, so a revocation waits).
* ``story_approve``: someone other than the author confirms the anonymisation checklist
  and publishes the revision they read; the consent is checked again.
* ``story_send_back``: the reviewer returns it to the author with a note (sealed: it may
  quote the text); ``story_edit`` saves the author's new text as a new revision and
  ``story_resubmit`` sends it for review again. Editing a published story makes a draft:
  the approved revision stays live until a reviewer approves the new one.
* ``stories_withdraw_for_case``: a revoked publication consent unpublishes the case's
  stories at once, in the revocation's transaction (``documentation.signals``).
"""

from __future__ import annotations

import html
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import strip_tags
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
    revision_id: int | None = None,
) -> StoryReview:
    """Publishes the story's latest revision, approved by someone other than its author
    who confirmed each point of the anonymisation checklist. ``revision_id`` is the
    revision the reviewer read: if the author saved another since, nothing is published."""
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
        if revision_id is not None and revision.pk != revision_id:
            raise ValidationError(
                _("The author changed the text since you opened it: read it again.")
            )
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


def _record(actor: Any, action: str, review: StoryReview, case: Case | None, **data: Any) -> None:
    """A story behind a case goes on its timeline; one without a case has the
    ``.general`` event of the same action."""
    data = {"story": review.pk, "page": review.page_id, **data}
    if case is not None:
        record_event(
            actor=actor,
            action=action,
            obj=review,
            organisation=review.organisation,
            case=case,
            data={**data, "case": case.pk},
        )
    else:
        record_event(
            actor=actor,
            action=f"{action}.general",
            obj=review,
            organisation=review.organisation,
            data=data,
        )


def _case_of(review: StoryReview) -> Case | None:
    return Case.objects.get(pk=review.case_id) if review.case_id else None


def _lock(review: StoryReview, *states: str) -> StoryReview:
    locked = StoryReview.objects.select_for_update().select_related("page").get(pk=review.pk)
    if locked.state not in states:
        raise ValidationError(_("The story is no longer in the state you saw: open it again."))
    return locked


def story_send_back(*, actor: Any, review: StoryReview, note: str) -> StoryReview:
    """The reviewer (``story.review``: not the author) returns the story with a note."""
    require(actor, "story.review", review)
    reviewer = user_of(actor)
    if reviewer is None or reviewer.pk == review.author_id:
        raise PermissionDenied("story.review: not by the author")
    if not note.strip():
        raise ValidationError({"note": _("Tell the author what to change.")})
    with transaction.atomic():
        locked = _lock(review, StoryReview.State.REVIEW)
        locked.state = StoryReview.State.CHANGES
        locked.note = note.strip()
        locked.noted_by = reviewer
        locked.noted_at = timezone.now()
        locked.save(update_fields=["state", "note", "noted_by", "noted_at"])
        # The note itself stays out of the audit chain: it may quote the text.
        _record(actor, "story.send_back", locked, _case_of(locked))
    review.refresh_from_db()
    return review


def _require_author(actor: Any, review: StoryReview) -> tuple[User, Case | None]:
    """Only the author changes their story, and only while they still may edit its case
    (a story without a case: while they coordinate the organisation's publications)."""
    require(actor, "story.edit", review)
    author = user_of(actor)
    assert author is not None
    case = _case_of(review)
    if case is not None:
        require(actor, "case.edit", case)
    else:
        require(actor, "story.write", review.organisation)
    return author, case


def may_change(user: User, review: StoryReview) -> bool:
    """Whether ``user`` may edit and resubmit the story (for the pages' links)."""
    try:
        _require_author(user, review)
    except PermissionDenied:
        return False
    return review.state in EDITABLE


EDITABLE = (
    StoryReview.State.DRAFT,
    StoryReview.State.REVIEW,
    StoryReview.State.CHANGES,
    StoryReview.State.PUBLISHED,
)


def story_edit(
    *, actor: Any, review: StoryReview, title: str, summary: str, body: str
) -> StoryReview:
    """The author's new text, saved as a new revision. A published story becomes a
    draft to send for review again; its approved revision stays live meanwhile. A story
    waiting for review keeps waiting: the reviewer reads (and approves) the new text."""
    author, case = _require_author(actor, review)
    _check_text(review.page.locale.language_code, title, body)
    with transaction.atomic():
        locked = _lock(review, *EDITABLE)
        page = locked.page.get_latest_revision_as_object()
        page.title = page.draft_title = title.strip()
        page.summary = summary.strip()
        page.body = paragraphs(body)
        revision = page.save_revision(user=author, log_action=False)
        if locked.state == StoryReview.State.PUBLISHED:
            locked.state = StoryReview.State.DRAFT
            locked.save(update_fields=["state"])
        _record(actor, "story.edit", locked, case, revision=revision.pk)
    review.refresh_from_db()
    return review


def story_resubmit(*, actor: Any, review: StoryReview) -> StoryReview:
    """The author sends the draft (sent back, or edited after publication) for review."""
    _author, case = _require_author(actor, review)
    with transaction.atomic():
        locked = _lock(review, StoryReview.State.DRAFT, StoryReview.State.CHANGES)
        if case is not None:
            require_consent(case, ConsentKind.PUBLICATION)
        locked.state = StoryReview.State.REVIEW
        locked.save(update_fields=["state"])
        _record(actor, "story.resubmit", locked, case)
    review.refresh_from_db()
    return review


def story_text(review: StoryReview) -> dict[str, str]:
    """The latest draft as plain text for the edit form: paragraphs back to blank-line
    blocks. Formatting added in Wagtail's editor is not kept by an edit here."""
    page = review.page.get_latest_revision_as_object()
    body = re.sub(r"<br\s*/?>", "\n", page.body)
    body = re.sub(r"</p>\s*", "\n\n", body)
    body = html.unescape(strip_tags(body)).strip()
    return {"title": page.title, "summary": page.summary, "body": body}


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
