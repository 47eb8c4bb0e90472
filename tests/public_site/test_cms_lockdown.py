"""Wagtail's admin cannot change permissions (only content_role_set does, audited), our
snippets are open to the content roles, stories are never created in Wagtail's editor,
and a story's draft is shown only to the coordinators and its author."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Collection, Site, Task, Workflow

from himoya.accounts.models import Role
from himoya.core.policies import SystemActor
from himoya.public_site.editing import (
    REVIEW_TASK,
    WORKFLOW,
    ContentRole,
    content_role_set,
    editing_setup,
)
from himoya.public_site.stories import StoryPage
from tests.conftest import make_client
from tests.factories import UserFactory
from tests.public_site.stories_site import build_stories_site
from tests.public_site.test_stories import _consent, _propose

pytestmark = pytest.mark.django_db

CMS = "/staff/cms/"


@pytest.fixture
def site_org(org: Any, settings: Any) -> Any:
    settings.HIMOYA_PUBLIC_ORGANISATION = org.slug
    return org


def _with_role(user: Any, role: str) -> Any:
    content_role_set(actor=SystemActor("test"), member=user, role=role)
    return user


@pytest.fixture
def superuser(site_org: Any) -> Any:
    # A lawyer: a coordinator may read story drafts, a superuser as such may not.
    return UserFactory(organisation=site_org, role=Role.LAWYER, is_superuser=True)


@pytest.fixture
def moderator(site_org: Any) -> Any:
    return _with_role(UserFactory(organisation=site_org, role=Role.MONITOR), ContentRole.MODERATOR)


@pytest.fixture
def editor(site_org: Any) -> Any:
    return _with_role(UserFactory(organisation=site_org, role=Role.LAWYER), ContentRole.EDITOR)


def _refused_paths() -> list[str]:
    groups = editing_setup()
    group = groups[ContentRole.MODERATOR].pk
    workflow = Workflow.objects.get(name=WORKFLOW).pk
    task = Task.objects.get(name=REVIEW_TASK).pk
    site = Site.objects.get().pk
    collection = Collection.get_first_root_node().pk
    return [
        f"{CMS}users/",
        f"{CMS}users/new/",
        f"{CMS}users/edit/{{user}}/",
        f"{CMS}users/delete/{{user}}/",
        f"{CMS}groups/",
        f"{CMS}groups/new/",
        f"{CMS}groups/edit/{group}/",
        f"{CMS}groups/delete/{group}/",
        f"{CMS}workflows/list/",
        f"{CMS}workflows/add/",
        f"{CMS}workflows/edit/{workflow}/",
        f"{CMS}workflows/disable/{workflow}/",
        f"{CMS}workflows/remove/{{root}}/",
        f"{CMS}workflows/tasks/index/",
        f"{CMS}workflows/tasks/edit/{task}/",
        f"{CMS}workflows/tasks/select_type/",
        f"{CMS}sites/",
        f"{CMS}sites/new/",
        f"{CMS}sites/edit/{site}/",
        f"{CMS}collections/{collection}/privacy/",
    ]


@pytest.mark.parametrize("who", ["superuser", "moderator"])
def test_wagtail_permission_pages_are_refused_to_everyone(
    request: pytest.FixtureRequest, who: str
) -> None:
    build_stories_site()
    user = request.getfixturevalue(who)
    client = make_client(user)
    root = StoryPage.get_first_root_node().pk
    for path in _refused_paths():
        path = path.format(user=user.pk, root=root)
        assert client.get(path).status_code == 403, path
        assert client.post(path, {"name": "Все права"}).status_code == 403, path
    # Nothing was changed through them.
    assert set(Group.objects.values_list("name", flat=True)) >= {"Content moderators"}
    assert not Group.objects.filter(name="Все права").exists()
    # The editor itself stays open.
    assert client.get(f"{CMS}pages/").status_code == 200


def test_menus_leave_out_the_permission_pages(superuser: Any) -> None:
    build_stories_site()
    html = make_client(superuser).get(CMS).content.decode()
    assert f"{CMS}pages/" in html
    for path in ("users/", "groups/", "workflows/list/", "workflows/tasks/index/", "sites/"):
        assert f'"{CMS}{path}"' not in html, path


# ---------------------------------------------------------------- snippets


SNIPPETS = [f"{CMS}snippets/public_site/lessonvideo/", f"{CMS}snippets/public_site/legaltopic/"]


@pytest.mark.parametrize("path", SNIPPETS)
def test_content_roles_open_the_snippets(editor: Any, moderator: Any, path: str) -> None:
    for user in (editor, moderator):
        response = make_client(user).get(path)
        assert response.status_code == 200
        assert f"{path}add/" in response.content.decode()


@pytest.mark.parametrize("path", SNIPPETS)
def test_staff_without_a_content_role_cannot_open_the_snippets(site_org: Any, path: str) -> None:
    coordinator = UserFactory(organisation=site_org, role=Role.COORDINATOR)
    response = make_client(coordinator).get(path, follow=True)
    assert response.status_code == 403


def test_only_moderators_delete_snippets(editor: Any, moderator: Any) -> None:
    for model in ("lessonvideo", "legaltopic"):
        for verb in ("add", "change"):
            assert editor.has_perm(f"public_site.{verb}_{model}")
            assert moderator.has_perm(f"public_site.{verb}_{model}")
        assert not editor.has_perm(f"public_site.delete_{model}")
        assert moderator.has_perm(f"public_site.delete_{model}")


# ---------------------------------------------------------------- stories in Wagtail


def test_a_story_cannot_be_created_in_wagtails_editor(superuser: Any, moderator: Any) -> None:
    index = build_stories_site()["stories"]
    assert not StoryPage.can_create_at(index)
    path = f"{CMS}pages/add/public_site/storypage/{index.pk}/"
    for user in (superuser, moderator):
        client = make_client(user)
        # Wagtail sends the request back to the admin's home with a message.
        assert client.get(path).status_code == 302
        assert client.post(path, {"title": "История", "slug": "story"}).status_code == 302
        # Nor is it offered among the page types to add under the stories page.
        choices = client.get(f"{CMS}pages/{index.pk}/add_subpage/", follow=True)
        assert "storypage" not in choices.content.decode()
    assert not StoryPage.objects.exists()


def test_story_drafts_are_hidden_from_all_but_coordinators_and_the_author(
    staff: Any, site_org: Any, superuser: Any, moderator: Any
) -> None:
    index = build_stories_site()["stories"]
    _consent(staff)
    review = _propose(staff)
    title = review.page.title
    author = _with_role(staff.lawyer, ContentRole.EDITOR)
    coordinator = _with_role(staff.coordinator, ContentRole.MODERATOR)
    other_editor = _with_role(staff.monitor, ContentRole.EDITOR)
    listing = f"{CMS}pages/{index.pk}/"
    edit = f"{CMS}pages/{review.page.pk}/edit/"
    search = f"{CMS}pages/search/?q=%D0%94%D0%B5%D0%BB%D0%BE"
    for user in (author, coordinator):
        client = make_client(user)
        assert title in client.get(listing).content.decode()
        assert client.get(edit).status_code == 200
    for user in (other_editor, moderator, superuser):
        client = make_client(user)
        assert title not in client.get(listing).content.decode()
        assert title not in client.get(search).content.decode()
        assert client.get(edit).status_code == 404
        assert client.get(f"{CMS}pages/{review.page.pk}/history/").status_code == 404
        chooser = client.get(f"{CMS}choose-page/{index.pk}/")
        assert title not in chooser.content.decode()
