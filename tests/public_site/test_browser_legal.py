"""A visitor uses the legal database in a browser with JavaScript switched off, in
Russian and in Tajik: opens it from the menu, filters by country, searches a word form,
opens a document and downloads its file. Every request stays on the site's own host and
no cookie is set."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from himoya.public_site import legal_demo
from tests.public_site.site import build_site

pytestmark = pytest.mark.django_db(transaction=True)

CASES = {
    "ru": {
        "menu": "Правовая база",
        "country": "Таджикистан",
        "filtered": "УК РТ, статья 143-1. Пытка",
        "search": "Поиск",
        "query": "пыток",
        "model": "Образец заявления о пытках в прокуратуру",
        "download": "Скачать",
    },
    "tg": {
        "menu": "Пойгоҳи ҳуқуқӣ",
        "country": "Тоҷикистон",
        "filtered": "КҶ ҶТ, моддаи 143-1. Шиканҷа",
        "search": "Ҷустуҷӯ",
        "query": "шиканҷаҳо",
        "model": "Намунаи ариза дар бораи шиканҷа ба прокуратура",
        "download": "Боргирӣ",
    },
}


def _site() -> None:
    # A transactional test starts from a flushed database: Wagtail's root page, made by
    # its migrations, may be gone.
    legal_demo.load(build_site()["home"])


@pytest.mark.parametrize("lang", ["ru", "tg"])
def test_legal_database_without_javascript(browser, live_server, lang, tmp_path: Path):
    _site()
    words = CASES[lang]
    context = browser.new_context(java_script_enabled=False, accept_downloads=True)
    hosts: set[str] = set()
    context.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
    page: Any = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(f"{live_server.url}/{lang}/")
        page.locator("nav.mainnav").get_by_role("link", name=words["menu"]).click()
        assert page.locator("h1").inner_text() == words["menu"]
        results = page.locator("ol.legal-results > li > a")
        assert results.count() == len(legal_demo.DOCUMENTS)

        page.locator("a[data-filter=country]", has_text=words["country"]).click()
        assert "country=TJ" in page.url
        assert words["filtered"] in results.all_inner_texts()
        assert len(results.all_inner_texts()) == 2  # the article and the Tajik law

        page.get_by_role("searchbox").fill(words["query"])
        page.get_by_role("button", name=words["search"]).click()
        assert "country=TJ" in page.url  # the search keeps the filter
        assert results.all_inner_texts() == [words["filtered"]]
        assert page.locator("p.excerpt mark").count() >= 1

        # Without the country filter the model complaint is found too; open it.
        page.locator("a[data-filter=country]").first.click()
        page.get_by_role("link", name=words["model"]).click()
        assert page.locator("h1").inner_text() == words["model"]
        with page.expect_download() as download_info:
            page.get_by_role("link", name=words["download"]).click()
        saved = tmp_path / "model.txt"
        download_info.value.save_as(saved)
        assert "ЗАЯВЛЕНИЕ о применении пыток" in saved.read_text(encoding="utf-8")
        assert context.cookies() == []
    finally:
        context.close()
    assert hosts == {urlparse(live_server.url).netloc}
