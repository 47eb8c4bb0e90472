"""Stories sent back for changes, edited and sent for review again: the reviewer's note
is sealed and reaches only the author and the coordinators; only the author edits, while
they may still edit the case; an edited published story stays live in its approved
revision until the new text is approved."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from himoya.accounts.models import Role
from himoya.cases.models import CaseEvent
from himoya.core.models import AuditEvent
from himoya.public_site import story_services
from himoya.public_site.stories import StoryPage, StoryReview
from tests.conftest import make_client
from tests.factories import UserFactory
from tests.public_site.test_stories import _approve, _consent, _propose, site  # noqa: F401

pytestmark = pytest.mark.django_db

NOTE = "Уберите название района «Сарыарка»: по нему узнают семью."
NEW_TEXT = "Мужчину задержали и избили.\n\nЮристы добились расследования и приговора."


def _edit(review, actor, body=NEW_TEXT, title="Дело о побоях (исправлено)"):
    return story_services.story_edit(
        actor=actor, review=review, title=title, summary="Кратко.", body=body
    )


def test_send_back_edit_resubmit_approve(staff, site, client):  # noqa: F811
    _consent(staff)
    review = _propose(staff)
    review = story_services.story_send_back(actor=staff.coordinator, review=review, note=NOTE)
    assert review.state == StoryReview.State.CHANGES
    assert review.note == NOTE and review.noted_by == staff.coordinator
    # Sealed at rest; the audit and the timeline hold no text of it.
    raw = StoryReview.objects.filter(pk=review.pk).values_list("note", flat=True)[0].token
    assert raw.startswith("hm2:") and "Сарыарка" not in raw
    event = AuditEvent.objects.get(action="story.send_back")
    assert "Сарыарка" not in str(event.data)
    assert CaseEvent.objects.filter(case=staff.case, kind="story.send_back").exists()
    # Not approvable while it waits for the author.
    with pytest.raises(ValidationError):
        _approve(review, staff.coordinator)
    review = _edit(review, staff.lawyer)
    assert review.state == StoryReview.State.CHANGES
    assert story_services.story_text(review)["body"] == NEW_TEXT
    review = story_services.story_resubmit(actor=staff.lawyer, review=review)
    assert review.state == StoryReview.State.REVIEW
    assert {e.kind for e in CaseEvent.objects.filter(case=staff.case)} >= {
        "story.edit",
        "story.resubmit",
    }
    review = _approve(review, staff.coordinator)
    page = StoryPage.objects.get(pk=review.page_id)
    assert page.live and page.title == "Дело о побоях (исправлено)"
    assert "приговора" in client.get(page.url).content.decode()


def test_an_edited_published_story_stays_live_until_the_new_text_is_approved(
    staff,
    site,  # noqa: F811
    client,
):
    _consent(staff)
    review = _approve(_propose(staff), staff.coordinator)
    approved = review.approved_revision_id
    url = StoryPage.objects.get(pk=review.page_id).url
    review = _edit(review, staff.lawyer)
    assert review.state == StoryReview.State.DRAFT
    page = StoryPage.objects.get(pk=review.page_id)
    assert page.live and page.live_revision_id == approved
    html = client.get(url).content.decode()
    assert "Юристы добились расследования." in html and "приговора" not in html
    review = story_services.story_resubmit(actor=staff.lawyer, review=review)
    assert review.state == StoryReview.State.REVIEW
    # Still the old text while the new one waits, and after a send back too.
    review = story_services.story_send_back(actor=staff.coordinator, review=review, note=NOTE)
    assert "приговора" not in client.get(url).content.decode()
    review = story_services.story_resubmit(actor=staff.lawyer, review=review)
    review = _approve(review, staff.coordinator)
    assert review.approved_revision_id != approved
    assert "приговора" in client.get(url).content.decode()


def test_the_reviewer_approves_only_the_revision_they_read(staff, site, english):  # noqa: F811
    _consent(staff)
    review = _propose(staff)
    read = review.page.latest_revision_id
    _edit(review, staff.lawyer)  # saved while the reviewer had the page open
    with pytest.raises(ValidationError, match="changed the text"):
        _approve(review, staff.coordinator, revision_id=read)
    assert not StoryPage.objects.get(pk=review.page_id).live


def test_who_may_send_back_edit_and_resubmit(staff, site):  # noqa: F811
    _consent(staff)
    review = _propose(staff, actor=staff.coordinator)
    # The author does not send back their own story; nor does anyone but a coordinator.
    for actor in (staff.coordinator, staff.lawyer, staff.b_coordinator):
        with pytest.raises(PermissionDenied):
            story_services.story_send_back(actor=actor, review=review, note=NOTE)
    other = UserFactory(organisation=staff.case.organisation, role=Role.COORDINATOR, totp=False)
    with pytest.raises(ValidationError):
        story_services.story_send_back(actor=other, review=review, note="  ")
    review = story_services.story_send_back(actor=other, review=review, note=NOTE)
    # Only the author edits and resubmits, not the reviewer nor a case worker.
    for actor in (other, staff.lawyer, staff.b_coordinator):
        with pytest.raises(PermissionDenied):
            _edit(review, actor)
        with pytest.raises(PermissionDenied):
            story_services.story_resubmit(actor=actor, review=review)
    review.refresh_from_db()
    assert review.state == StoryReview.State.CHANGES


def test_an_author_who_may_no_longer_edit_the_case_cannot_change_the_story(staff, site):  # noqa: F811
    _consent(staff)
    review = story_services.story_send_back(
        actor=staff.coordinator, review=_propose(staff), note=NOTE
    )
    staff.lawyer.role = Role.ANALYST
    staff.lawyer.save(update_fields=["role"])
    with pytest.raises(PermissionDenied):
        _edit(review, staff.lawyer)
    with pytest.raises(PermissionDenied):
        story_services.story_resubmit(actor=staff.lawyer, review=review)
    client = make_client(staff.lawyer)
    assert client.get(f"/staff/stories/{review.pk}/edit/").status_code == 403
    assert client.post(f"/staff/stories/{review.pk}/resubmit/").status_code == 403
    assert "Edit the text" not in client.get(f"/staff/stories/{review.pk}/").content.decode()


def test_a_withdrawn_story_is_not_edited(staff, site):  # noqa: F811
    from himoya.documentation import services as documentation

    consent = _consent(staff)
    review = _propose(staff)
    documentation.consent_revoke(actor=staff.lawyer, consent=consent)
    with pytest.raises(ValidationError):
        _edit(review, staff.lawyer)


# ---------------------------------------------------------------- the staff pages


def test_the_pages_send_back_edit_and_resubmit(staff, site, english):  # noqa: F811
    _consent(staff)
    review = _propose(staff)
    reviewer, author = make_client(staff.coordinator), make_client(staff.lawyer)
    url = f"/staff/stories/{review.pk}/"
    # The author sees no send-back form and may not post one.
    assert "story-send-back" not in author.get(url).content.decode()
    assert author.post(f"{url}send-back/", {"note": NOTE}).status_code == 403
    assert reviewer.post(f"{url}send-back/", {"note": ""}).status_code == 400
    assert reviewer.post(f"{url}send-back/", {"note": NOTE}).status_code == 302
    # The author reads the note on the review page and on the case's panel.
    assert NOTE in author.get(url).content.decode()
    case_page = author.get(f"/staff/cases/{staff.case.pk}/").content.decode()
    assert NOTE in case_page
    assert "возвращена на доработку" in case_page  # the staff pages speak the user's language
    form = author.get(f"{url}edit/").content.decode()
    assert "Юристы добились расследования." in form
    assert reviewer.get(f"{url}edit/").status_code == 403
    data = {"title": "Новый заголовок", "summary": "", "body": NEW_TEXT}
    assert author.post(f"{url}edit/", {**data, "body": ""}).status_code == 400
    assert author.post(f"{url}edit/", data).status_code == 302
    assert reviewer.post(f"{url}resubmit/").status_code == 403
    assert author.post(f"{url}resubmit/").status_code == 302
    review.refresh_from_db()
    assert review.state == StoryReview.State.REVIEW
    # The reviewer approves the revision shown, with the checklist.
    page = reviewer.get(url).content.decode()
    assert "приговора" in page
    revision = StoryPage.objects.get(pk=review.page_id).latest_revision_id
    checks = {"no_names": "on", "no_identifying_details": "on", "no_faces": "on"}
    assert reviewer.post(url, {**checks, "revision": revision}).status_code == 302
    assert StoryPage.objects.get(pk=review.page_id).live


def test_another_organisation_gets_404(staff, site):  # noqa: F811
    _consent(staff)
    review = story_services.story_send_back(
        actor=staff.coordinator, review=_propose(staff), note=NOTE
    )
    outsider = make_client(staff.b_coordinator)
    url = f"/staff/stories/{review.pk}/"
    assert outsider.get(url).status_code == 404
    assert outsider.get(f"{url}edit/").status_code == 404
    assert outsider.post(f"{url}edit/", {"title": "x", "body": "y"}).status_code == 404
    assert outsider.post(f"{url}send-back/", {"note": NOTE}).status_code == 404
    assert outsider.post(f"{url}resubmit/").status_code == 404
    # A colleague who is neither the author nor a coordinator does not see the draft, nor
    # the note on the case page.
    colleague = UserFactory(organisation=staff.case.organisation, role=Role.LAWYER, totp=False)
    colleague.teams.set(staff.lawyer.teams.all())
    assert make_client(colleague).get(url).status_code == 404
    case_page = make_client(colleague).get(f"/staff/cases/{staff.case.pk}/").content.decode()
    assert 'id="public-story"' in case_page and NOTE not in case_page
    review.refresh_from_db()
    assert review.state == StoryReview.State.CHANGES
