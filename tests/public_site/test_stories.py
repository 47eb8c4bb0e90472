"""Public stories: proposed from a case only with every victim's publication consent,
approved by someone other than the author after the anonymisation checklist, withdrawn
from the site when the consent is revoked; the public page carries no link to the case."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from himoya.accounts.models import Role
from himoya.cases.models import CaseEvent
from himoya.core.models import AuditEvent
from himoya.documentation import services as documentation
from himoya.documentation.models import Consent, ConsentKind
from himoya.public_site import story_services
from himoya.public_site.stories import StoryNotApproved, StoryPage, StoryReview
from tests.conftest import make_client
from tests.documentation.conftest import TODAY
from tests.factories import UserFactory
from tests.public_site.stories_site import build_stories_site

pytestmark = pytest.mark.django_db

TEXT = "Мужчину задержали и избили в отделе.\n\nЮристы добились расследования."


@pytest.fixture
def site(db):
    return build_stories_site()


def _consent(staff):
    return documentation.consent_record(
        actor=staff.lawyer,
        case=staff.case,
        person=staff.victim,
        kind=ConsentKind.PUBLICATION,
        given_on=TODAY(),
    )


def _propose(staff, actor=None, language="ru"):
    return story_services.story_propose(
        actor=actor or staff.lawyer,
        case=staff.case,
        language=language,
        title="Дело о побоях в отделе",
        summary="Как юристы добились расследования.",
        body=TEXT,
    )


def _approve(review, actor, **checks):
    values = {"no_names": True, "no_identifying_details": True, "no_faces": True, **checks}
    return story_services.story_approve(actor=actor, review=review, **values)


def test_a_story_needs_the_publication_consent_of_every_victim(staff, site, english):
    with pytest.raises(documentation.ConsentMissing, match="to publish anonymised"):
        _propose(staff)
    # Another kind of consent does not stand in for it.
    documentation.consent_record(
        actor=staff.lawyer,
        case=staff.case,
        person=staff.victim,
        kind=ConsentKind.SHARING,
        given_on=TODAY(),
        recipients="Омбудсмен",
    )
    with pytest.raises(documentation.ConsentMissing):
        _propose(staff)
    assert not StoryPage.objects.exists()


def test_a_proposed_story_is_a_draft_in_its_language_waiting_for_review(staff, site):
    _consent(staff)
    review = _propose(staff, language="tg")
    page = review.page
    assert not page.live
    assert page.locale.language_code == "tg"
    assert page.get_parent().specific == site["stories"].get_translation(page.locale)
    # The author's text, paragraph by paragraph; nothing of the case is copied.
    assert page.body == (
        "<p>Мужчину задержали и избили в отделе.</p><p>Юристы добились расследования.</p>"
    )
    assert staff.victim.full_name not in page.body + page.title + page.summary
    assert review.state == StoryReview.State.REVIEW
    assert review.author == staff.lawyer
    # The case is sealed on the staff side, found again through its blind index.
    raw = StoryReview.objects.filter(pk=review.pk).values_list("case_ref", flat=True)[0].token
    assert raw.startswith("hm2:") and raw != str(staff.case.pk)
    assert story_services.case_stories(staff.case) == [review]
    event = CaseEvent.objects.get(case=staff.case, kind="story.propose")
    assert event.data["story"] == review.pk


def test_the_author_cannot_approve_their_own_story(staff, site):
    _consent(staff)
    review = _propose(staff, actor=staff.coordinator)
    with pytest.raises(PermissionDenied):
        _approve(review, staff.coordinator)
    assert not StoryPage.objects.get(pk=review.page_id).live


@pytest.mark.parametrize("who", ["lawyer", "monitor", "doctor", "b_coordinator", "analyst"])
def test_only_another_coordinator_of_the_organisation_approves(staff, site, who):
    _consent(staff)
    review = _propose(staff)
    with pytest.raises(PermissionDenied):
        _approve(review, getattr(staff, who))
    review.refresh_from_db()
    assert review.state == StoryReview.State.REVIEW


@pytest.mark.parametrize("unchecked", ["no_names", "no_identifying_details", "no_faces"])
def test_each_point_of_the_checklist_must_be_confirmed(staff, site, unchecked):
    _consent(staff)
    review = _propose(staff)
    with pytest.raises(ValidationError):
        _approve(review, staff.coordinator, **{unchecked: False})
    assert not StoryPage.objects.get(pk=review.page_id).live


def test_approval_publishes_the_revision_read_without_a_link_to_the_case(staff, site, client):
    _consent(staff)
    review = _approve(_propose(staff), staff.coordinator)
    page = StoryPage.objects.get(pk=review.page_id)
    assert page.live
    assert review.state == StoryReview.State.PUBLISHED
    assert review.reviewer == staff.coordinator
    assert review.approved_revision_id == page.live_revision_id
    assert CaseEvent.objects.filter(case=staff.case, kind="story.publish").exists()
    html = client.get("/ru/stories/").content.decode()
    assert "Дело о побоях в отделе" in html
    story = client.get(page.url).content.decode()
    assert "Юристы добились расследования." in story
    assert "/staff/" not in story
    assert str(staff.case.number) not in story
    assert staff.victim.full_name not in story


def test_who_may_not_edit_the_case_cannot_propose(staff, site):
    _consent(staff)
    outsider = UserFactory(organisation=staff.case.organisation, role=Role.LAWYER, totp=False)
    for actor in (staff.doctor, staff.analyst, staff.b_coordinator, outsider):
        with pytest.raises(PermissionDenied):
            _propose(staff, actor=actor)
    assert not StoryReview.objects.exists()


def test_a_story_cannot_go_live_except_by_its_review(staff, site):
    _consent(staff)
    review = _propose(staff)
    revision = review.page.get_latest_revision()
    # Wagtail's own Publish (the editor's button, a workflow, a scheduled publication).
    with pytest.raises(StoryNotApproved):
        revision.publish(skip_permission_checks=True)
    assert not StoryPage.objects.get(pk=review.page_id).live
    review = _approve(review, staff.coordinator)
    # An edit after the approval is a draft; publishing it needs a new review.
    page = StoryPage.objects.get(pk=review.page_id)
    page.title = "Исправленный заголовок"
    changed = page.save_revision()
    with pytest.raises(StoryNotApproved):
        changed.publish(skip_permission_checks=True)
    assert StoryPage.objects.get(pk=review.page_id).title == "Дело о побоях в отделе"


def test_revoking_the_publication_consent_unpublishes_the_story_at_once(staff, site, client):
    consent = _consent(staff)
    published = _approve(_propose(staff), staff.coordinator)
    waiting = _propose(staff, language="en")
    url = StoryPage.objects.get(pk=published.page_id).url
    assert client.get(url).status_code == 200
    documentation.consent_revoke(actor=staff.lawyer, consent=consent)
    assert not StoryPage.objects.get(pk=published.page_id).live
    assert client.get(url).status_code == 404
    for review in (published, waiting):
        review.refresh_from_db()
        assert review.state == StoryReview.State.WITHDRAWN
        assert review.withdrawn_at is not None
    assert CaseEvent.objects.filter(case=staff.case, kind="story.withdraw").count() == 2
    assert AuditEvent.objects.filter(action="story.withdraw").count() == 2
    # The waiting story cannot be approved any more, and a withdrawn one never returns.
    with pytest.raises(ValidationError):
        _approve(waiting, staff.coordinator)
    with pytest.raises(StoryNotApproved):
        StoryPage.objects.get(pk=published.page_id).get_latest_revision().publish(
            skip_permission_checks=True
        )


def test_another_kind_of_consent_revoked_leaves_the_story(staff, site):
    _consent(staff)
    interview = documentation.consent_record(
        actor=staff.lawyer,
        case=staff.case,
        person=staff.victim,
        kind=ConsentKind.INTERVIEW,
        given_on=TODAY(),
    )
    review = _approve(_propose(staff), staff.coordinator)
    documentation.consent_revoke(actor=staff.lawyer, consent=interview)
    assert StoryPage.objects.get(pk=review.page_id).live


def test_approval_checks_the_consent_again(staff, site, english):
    consent = _consent(staff)
    review = _propose(staff)
    # Revoked between proposal and review: the story was withdrawn with it.
    Consent.objects.filter(pk=consent.pk).update(revoked_at=consent.created_at)
    with pytest.raises(documentation.ConsentMissing):
        _approve(review, staff.coordinator)
    assert not StoryPage.objects.get(pk=review.page_id).live


def test_a_story_without_a_case_is_written_by_a_coordinator(staff, site, org):
    with pytest.raises(PermissionDenied):
        story_services.story_propose(
            actor=staff.lawyer, organisation=org, language="kk", title="T", summary="", body="B"
        )
    review = story_services.story_propose(
        actor=staff.coordinator, organisation=org, language="kk", title="T", summary="", body="B"
    )
    assert review.case_id is None
    other = UserFactory(organisation=org, role=Role.COORDINATOR, totp=False)
    assert _approve(review, other).state == StoryReview.State.PUBLISHED


# ---------------------------------------------------------------- the staff pages


def _post_propose(client, staff, **extra):
    from himoya.core.idempotency import new_token

    data = {
        "language": "ru",
        "title": "История (тест)",
        "summary": "",
        "body": TEXT,
        "form_token": new_token(),
        **extra,
    }
    return client.post(f"/staff/stories/case/{staff.case.pk}/", data)


def test_the_case_page_offers_the_story_only_to_who_may_edit_the_case(staff, site):
    _consent(staff)
    page = make_client(staff.lawyer).get(f"/staff/cases/{staff.case.pk}/").content.decode()
    assert 'id="public-story"' in page and "/staff/stories/case/" in page
    page = make_client(staff.doctor).get(f"/staff/cases/{staff.case.pk}/").content.decode()
    assert 'id="public-story"' not in page


def test_proposing_from_the_case_page_and_the_forbidden_paths(staff, site):
    _consent(staff)
    assert _post_propose(make_client(staff.doctor), staff).status_code == 403
    assert _post_propose(make_client(staff.b_coordinator), staff).status_code == 404
    assert not StoryReview.objects.exists()
    response = _post_propose(make_client(staff.lawyer), staff)
    assert response.status_code == 302
    assert response["Location"].endswith("#public-story")
    review = StoryReview.objects.get()
    assert review.author == staff.lawyer
    # An empty text is the form's error, shown at the panel.
    response = _post_propose(make_client(staff.lawyer), staff, body="")
    assert response.status_code == 400


def test_the_review_page_lets_another_coordinator_approve_and_not_the_author(staff, site):
    _consent(staff)
    review = _propose(staff, actor=staff.coordinator)
    checks = {"no_names": "on", "no_identifying_details": "on", "no_faces": "on"}
    author = make_client(staff.coordinator)
    assert "Approve and publish" not in author.get(f"/staff/stories/{review.pk}/").content.decode()
    assert author.post(f"/staff/stories/{review.pk}/", checks).status_code == 403
    # Someone who is neither a coordinator nor the author does not see the draft at all.
    assert make_client(staff.monitor).get(f"/staff/stories/{review.pk}/").status_code == 404
    other = UserFactory(organisation=staff.case.organisation, role=Role.COORDINATOR, totp=False)
    client = make_client(other)
    assert "Дело о побоях в отделе" in client.get("/staff/stories/").content.decode()
    assert client.post(f"/staff/stories/{review.pk}/", {"no_names": "on"}).status_code == 400
    assert not StoryPage.objects.get(pk=review.page_id).live
    revision = StoryPage.objects.get(pk=review.page_id).latest_revision_id
    assert (
        client.post(f"/staff/stories/{review.pk}/", {**checks, "revision": revision}).status_code
        == 302
    )
    assert StoryPage.objects.get(pk=review.page_id).live


def test_the_editor_offers_no_publish_button_for_a_story(staff, site):
    from wagtail.admin.action_menu import PublishMenuItem, SaveDraftMenuItem

    from himoya.public_site.stories import _no_publish_for_stories

    _consent(staff)
    review = _propose(staff)
    items = [SaveDraftMenuItem(), PublishMenuItem()]
    _no_publish_for_stories(items, None, {"page": review.page})
    assert [item.name for item in items] == ["action-save-draft"]
    # Other pages keep their button.
    items = [SaveDraftMenuItem(), PublishMenuItem()]
    _no_publish_for_stories(items, None, {"page": site["steps"]})
    assert [item.name for item in items] == ["action-save-draft", "action-publish"]
