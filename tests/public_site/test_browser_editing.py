"""In a browser: an editor writes a page in Wagtail's admin and submits it; it is not on
the public site until a moderator approves it, then it is."""

from __future__ import annotations

from typing import Any

import pytest

from himoya.accounts.models import Role
from himoya.core.policies import SystemActor
from himoya.public_site.editing import ContentRole, content_role_set
from himoya.public_site.models import ContentPage
from tests.browser_helpers import login
from tests.factories import UserFactory
from tests.public_site.site import build_site

pytestmark = pytest.mark.django_db(transaction=True)


def _click(page: Any, selector: str) -> None:
    # The action is in the footer's drop-down menu; a click on the element itself runs
    # the same handlers as opening the menu and choosing it.
    with page.expect_navigation():
        page.locator(selector).first.evaluate("(button) => button.click()")
    page.wait_for_load_state()


def test_editor_submits_moderator_approves(browser, live_server, org, settings) -> None:
    settings.HIMOYA_PUBLIC_ORGANISATION = org.slug
    home = build_site()["home"]
    editor = UserFactory(organisation=org, role=Role.LAWYER)
    moderator = UserFactory(organisation=org, role=Role.COORDINATOR)
    content_role_set(actor=SystemActor("test"), member=editor, role=ContentRole.EDITOR)
    content_role_set(actor=SystemActor("test"), member=moderator, role=ContentRole.MODERATOR)

    contexts = []
    try:
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20000)
        login(page, live_server.url, editor)
        page.goto(f"{live_server.url}/staff/cms/pages/add/public_site/contentpage/{home.pk}/")
        page.fill("#id_title", "Новости бюро (тест)")
        page.fill("#id_intro", "Вымышленная новость для проверки.")
        page.locator("#id_slug").evaluate("(field) => { field.value = 'news-test'; }")
        _click(page, "button[name=action-submit]")
        created = ContentPage.objects.get(slug="news-test")
        assert not created.live
        assert created.current_workflow_task is not None
        assert page.context.request.get(f"{live_server.url}/ru/news-test/").status == 404

        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20000)
        login(page, live_server.url, moderator)
        page.goto(f"{live_server.url}/staff/cms/pages/{created.pk}/edit/")
        _click(page, "button[data-workflow-action-name=approve]")
        created.refresh_from_db()
        assert created.live

        page.goto(f"{live_server.url}/ru/news-test/")
        assert page.locator("h1").inner_text() == "Новости бюро (тест)"
    finally:
        for context in contexts:
            context.close()
