"""In a browser, in Russian: a coordinator gives a colleague a content role on the
colleague's staff page, and the colleague then reaches the site editor."""

from __future__ import annotations

import pytest

from himoya.accounts.models import Role
from himoya.public_site.editing import ContentRole, content_role
from tests.browser_helpers import login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_coordinator_gives_a_content_role_in_russian(browser, live_server, org, settings) -> None:
    settings.HIMOYA_PUBLIC_ORGANISATION = org.slug
    coordinator = UserFactory(organisation=org, role=Role.COORDINATOR)
    member = UserFactory(organisation=org, role=Role.LAWYER, full_name="Сайтова Мадина")
    context = browser.new_context(locale="ru-RU")
    try:
        page = context.new_page()
        page.set_default_timeout(20000)
        login(page, live_server.url, coordinator)
        page.goto(f"{live_server.url}/staff/people/{member.pk}/")
        panel = page.locator("#content-role")
        assert "Текущая роль на сайте: Без роли на сайте" in panel.inner_text()
        panel.locator("select[name=content_role]").select_option("moderator")
        with page.expect_navigation():
            panel.locator("button[type=submit]").click()
        assert "Роль на сайте изменена." in page.inner_text("body")
        assert "Текущая роль на сайте: Модератор сайта" in page.inner_text("#content-role")
        assert content_role(member) == ContentRole.MODERATOR

        other = browser.new_context(locale="ru-RU")
        try:
            colleague = other.new_page()
            colleague.set_default_timeout(20000)
            login(colleague, live_server.url, member)
            response = colleague.goto(f"{live_server.url}/staff/cms/")
            assert response is not None and response.status == 200
        finally:
            other.close()
    finally:
        context.close()
