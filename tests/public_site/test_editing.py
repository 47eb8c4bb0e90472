"""Editing the public site: content roles, who reaches /staff/cms/, the review workflow
(an editor submits, a moderator approves), scheduled publication by the worker, and
every step in our audit chain."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from himoya.accounts.models import Role
from himoya.core.models import AuditEvent
from himoya.core.policies import SystemActor
from himoya.public_site import content
from himoya.public_site.editing import ContentRole, content_role, content_role_set
from himoya.public_site.models import ContentPage
from himoya.public_site.tasks import scheduled_pages_enqueue
from tests.conftest import make_client, run_queued_tasks
from tests.factories import UserFactory
from tests.public_site.site import build_site

pytestmark = pytest.mark.django_db

CMS = "/staff/cms/"


@pytest.fixture
def site_org(org: Any, settings: Any) -> Any:
    settings.HIMOYA_PUBLIC_ORGANISATION = org.slug
    return org


@pytest.fixture
def editor(site_org: Any) -> Any:
    user = UserFactory(organisation=site_org, role=Role.LAWYER)
    content_role_set(actor=SystemActor("test"), member=user, role=ContentRole.EDITOR)
    return user


@pytest.fixture
def moderator(site_org: Any) -> Any:
    user = UserFactory(organisation=site_org, role=Role.MONITOR)
    content_role_set(actor=SystemActor("test"), member=user, role=ContentRole.MODERATOR)
    return user


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


# ---------------------------------------------------------------- content roles


def test_coordinator_of_the_site_organisation_grants_a_content_role(site_org: Any) -> None:
    coordinator = UserFactory(organisation=site_org, role=Role.COORDINATOR)
    member = UserFactory(organisation=site_org, role=Role.LAWYER)

    assert content_role_set(actor=coordinator, member=member, role=ContentRole.MODERATOR)
    assert content_role(member) == ContentRole.MODERATOR
    assert member.has_perm("wagtailadmin.access_admin")
    # Asking again changes nothing and records nothing.
    assert not content_role_set(actor=coordinator, member=member, role=ContentRole.MODERATOR)
    assert content_role_set(actor=coordinator, member=member, role=ContentRole.EDITOR)
    assert content_role(member) == ContentRole.EDITOR

    events = _events("content.role")
    assert [e.data["content_role"] for e in events] == [["", "moderator"], ["moderator", "editor"]]
    assert {e.actor_id for e in events} == {coordinator.pk}
    assert {e.object_id for e in events} == {str(member.pk)}


@pytest.mark.parametrize("role", [Role.LAWYER, Role.MONITOR, Role.ANALYST])
def test_other_roles_cannot_grant_content_roles(site_org: Any, role: str) -> None:
    actor = UserFactory(organisation=site_org, role=role)
    member = UserFactory(organisation=site_org)
    with pytest.raises(PermissionDenied):
        content_role_set(actor=actor, member=member, role=ContentRole.EDITOR)
    assert content_role(member) == ContentRole.NONE
    assert not _events("content.role")


def test_coordinator_of_another_organisation_cannot_grant(site_org: Any, other_org: Any) -> None:
    outsider = UserFactory(organisation=other_org, role=Role.COORDINATOR)
    member = UserFactory(organisation=site_org)
    with pytest.raises(PermissionDenied):
        content_role_set(actor=outsider, member=member, role=ContentRole.EDITOR)
    # Nor to its own members: only the organisation running the site has editors.
    own = UserFactory(organisation=other_org)
    with pytest.raises(PermissionDenied):
        content_role_set(actor=outsider, member=own, role=ContentRole.EDITOR)


def test_content_role_command(site_org: Any) -> None:
    member = UserFactory(organisation=site_org)
    call_command("content_role", member.email, "editor", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert content_role(member) == ContentRole.EDITOR
    assert _events("content.role")[-1].actor_label == "cli:content-role"
    call_command("content_role", member.email, "none", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert content_role(member) == ContentRole.NONE
    assert not member.groups.exists()


# ---------------------------------------------------------------- who reaches the CMS


@pytest.mark.parametrize("path", [CMS, f"{CMS}pages/", f"{CMS}documents/", f"{CMS}images/"])
def test_staff_without_content_role_are_refused(site_org: Any, path: str) -> None:
    user = UserFactory(organisation=site_org, role=Role.COORDINATOR)
    response = make_client(user).get(path, follow=True)
    assert response.status_code == 403
    assert not any(hop.startswith("/staff/accounts/login") for hop, _ in response.redirect_chain)


@pytest.mark.parametrize("path", [CMS, f"{CMS}pages/", f"{CMS}documents/"])
def test_editor_without_two_factor_session_cannot_reach_cms(editor: Any, path: str) -> None:
    client = Client()
    client.force_login(editor)  # password only: this session never passed 2FA
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/accounts/login/")


def test_editor_without_a_device_is_sent_to_set_one_up(site_org: Any) -> None:
    user = UserFactory(organisation=site_org, totp=False)
    content_role_set(actor=SystemActor("test"), member=user, role=ContentRole.EDITOR)
    client = Client()
    client.force_login(user)
    response = client.get(f"{CMS}pages/")
    assert response.status_code == 302
    assert "/2fa/totp/activate" in response["Location"]


def test_anonymous_is_sent_to_our_login(db: Any) -> None:
    response = Client().get(f"{CMS}pages/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/accounts/login/")


def test_editor_and_moderator_reach_cms(editor: Any, moderator: Any) -> None:
    assert make_client(editor).get(CMS).status_code == 200
    assert make_client(moderator).get(f"{CMS}pages/").status_code == 200


# ---------------------------------------------------------------- review workflow


def _form(page: Any, **fields: Any) -> dict[str, Any]:
    return nested_form_data(
        {
            "title": fields.get("title", page.title),
            "slug": page.slug,
            "intro": fields.get("intro", page.intro),
            "body": streamfield([]),
            "comments": inline_formset([]),
        }
    )


@pytest.fixture
def draft(editor: Any) -> ContentPage:
    site = build_site()
    page = ContentPage(title="Права (черновик)", slug="rights", live=False)
    site["home"].add_child(instance=page)
    page.save_revision(user=editor)
    return page


def test_editor_cannot_publish_only_submit(editor: Any, draft: ContentPage) -> None:
    client = make_client(editor)
    url = f"{CMS}pages/{draft.pk}/edit/"
    response = client.post(url, {**_form(draft, intro="Новый текст"), "action-publish": "1"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert not draft.live  # the publish button of an editor only saves a draft
    assert not AuditEvent.objects.filter(
        action="content.page_publish", object_id=str(draft.pk)
    ).exists()
    assert _events("content.page_edit")[-1].actor_id == editor.pk

    response = client.post(url, {**_form(draft), "action-submit": "1"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert not draft.live
    assert draft.current_workflow_task is not None
    assert draft.current_workflow_task.name == "Review by a content moderator"
    assert _events("content.page_submit")[-1].actor_id == editor.pk

    # Nor can the editor approve their own submission.
    response = client.post(
        url,
        {**_form(draft), "action-workflow-action": "1", "workflow-action-name": "approve"},
    )
    draft.refresh_from_db()
    assert not draft.live


def test_moderator_approves_and_the_page_goes_live(
    editor: Any, moderator: Any, draft: ContentPage
) -> None:
    url = f"{CMS}pages/{draft.pk}/edit/"
    make_client(editor).post(url, {**_form(draft, intro="Для проверки"), "action-submit": "1"})
    response = make_client(moderator).post(
        url,
        {
            **_form(draft, intro="Для проверки"),
            "action-workflow-action": "1",
            "workflow-action-name": "approve",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.live
    assert draft.intro == "Для проверки"
    assert Client().get("/ru/rights/").status_code == 200
    assert _events("content.page_approve")[-1].actor_id == moderator.pk
    published = _events("content.page_publish")[-1]
    assert published.actor_id == moderator.pk
    assert published.object_id == str(draft.pk)


def test_moderator_rejects(editor: Any, moderator: Any, draft: ContentPage) -> None:
    url = f"{CMS}pages/{draft.pk}/edit/"
    make_client(editor).post(url, {**_form(draft), "action-submit": "1"})
    make_client(moderator).post(
        url,
        {**_form(draft), "action-workflow-action": "1", "workflow-action-name": "reject"},
    )
    draft.refresh_from_db()
    assert not draft.live
    assert _events("content.page_reject")[-1].actor_id == moderator.pk


def test_unpublish_and_delete_are_audited(moderator: Any) -> None:
    site = build_site()
    about = site["about"]
    client = make_client(moderator)
    client.post(f"{CMS}pages/{about.pk}/unpublish/", {})
    about.refresh_from_db()
    assert not about.live
    assert _events("content.page_unpublish")[-1].actor_id == moderator.pk


def test_document_upload_is_audited(editor: Any, tmp_path: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("shablon.txt", "Образец жалобы".encode(), "text/plain")
    response = make_client(editor).post(
        f"{CMS}documents/add/", {"title": "Образец жалобы", "file": upload, "collection": 1}
    )
    assert response.status_code == 302
    event = _events("content.document_upload")[-1]
    assert event.actor_id == editor.pk
    assert event.data["title"] == "Образец жалобы"


# ---------------------------------------------------------------- scheduled publication


def test_page_scheduled_in_the_past_is_published_by_the_worker(db: Any) -> None:
    site = build_site()
    page = ContentPage(title="Отчёт (по расписанию)", slug="report", live=False)
    site["home"].add_child(instance=page)
    page.go_live_at = timezone.now() + dt.timedelta(hours=1)
    revision = page.save_revision()
    revision.publish()  # a future go-live: only approved for then, not live
    page.refresh_from_db()
    assert not page.live
    # The hour has passed (as the revision records it, and as its approval does).
    past = timezone.now() - dt.timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])

    assert scheduled_pages_enqueue()
    assert not scheduled_pages_enqueue()  # one run waiting is enough
    assert run_queued_tasks() == 1

    page = Page.objects.get(pk=page.pk)
    assert page.live
    event = _events("content.page_publish")[-1]
    assert event.actor_label == "task:scheduled_pages_publish"
    assert event.data["wagtail"] == "wagtail.publish.scheduled"
    assert scheduled_pages_enqueue()  # the run finished: the next one may be queued


def test_building_pages_from_code_is_audited_as_the_system(db: Any) -> None:
    content.home_page(title="Главная (тест)")
    assert _events("content.page_publish")[-1].actor_label == "system:wagtail"
