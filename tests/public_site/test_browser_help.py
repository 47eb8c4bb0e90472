"""A person asks for help in a browser with JavaScript switched off, in Russian and in
Kazakh: the appeal is registered and the page gives the reference number. Every
request the pages make stays on the site's own host."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest

from himoya.cases.models import Appeal

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("lang", "kind_label", "send"),
    [
        ("ru", "Юридическая помощь (юрист)", "Отправить обращение"),
        ("kk", "Заң көмегі (заңгер)", "Өтінішті жіберу"),
    ],
)
def test_help_form_without_javascript(browser, live_server, org, settings, lang, kind_label, send):
    settings.HIMOYA_PUBLIC_ORGANISATION = org.slug
    settings.HIMOYA_HELP_MIN_SECONDS = 0
    context = browser.new_context(java_script_enabled=False, locale=f"{lang}-KZ")
    hosts: set[str] = set()
    context.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
    page: Any = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(f"{live_server.url}/{lang}/help/")
        assert page.locator("html").get_attribute("lang") == lang
        page.get_by_label(kind_label).check()
        page.locator("[name=contact]").fill("+7 700 000 0999")
        page.locator("[name=message]").fill("Вымышленный пример для теста.")
        page.locator("[name=consent_processing]").check()
        page.get_by_role("button", name=send).click()
        reference = page.locator("strong.reference").inner_text()
        appeal = Appeal.objects.get()
        assert reference == appeal.case.number
        assert appeal.channel.code == "web"
        assert context.cookies() == []
    finally:
        context.close()
    assert hosts == {urlparse(live_server.url).netloc}
