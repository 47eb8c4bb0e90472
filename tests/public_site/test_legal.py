"""The legal database: pages, filters, search in the four languages, excerpts, paging,
the search index following publication."""

import re

import pytest

from himoya.public_site import content, legal_demo
from himoya.public_site.legal import LegalDocumentPage, LegalSearchEntry
from himoya.public_site.legal_selectors import PER_PAGE, browse
from tests.public_site.site import build_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def legal(db):
    site = build_site()
    return legal_demo.load(site["home"])


def titles(html: str) -> list[str]:
    listing = html.split('class="legal-results"', 1)
    if len(listing) == 1:
        return []
    return re.findall(r'<li>\s*<a href="[^"]+">([^<]+)</a>', listing[1])


@pytest.mark.parametrize(
    ("lang", "query", "expected"),
    [
        ("ru", "пыток", "УК РК, статья 146. Пытки и жестокое обращение"),
        ("ru", "пытками", "УК РТ, статья 143-1. Пытка"),
        ("kk", "азаптаған", "ҚР ҚК, 146-бап. Азаптау және қатыгездік"),
        ("kk", "азаптаудан", "Азаптау туралы прокуратураға өтініш үлгісі"),
        ("tg", "шиканҷаҳо", "КҶ ҶТ, моддаи 143-1. Шиканҷа"),
        ("tg", "шиканҷаи", "Намунаи ариза дар бораи шиканҷа ба прокуратура"),
        ("en", "tortured", "Criminal Code of Tajikistan, article 143-1: torture"),
    ],
)
def test_search_finds_other_forms_of_the_word(client, legal, lang, query, expected):
    response = client.get(f"/{lang}/legal/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert expected in titles(html)
    assert "<mark>" in html


def test_search_finds_only_documents_with_every_word(client, legal):
    found = titles(client.get("/ru/legal/", {"q": "пытки прокуратура"}).content.decode())
    assert sorted(found) == [
        "Образец заявления о пытках в прокуратуру",
        "УК РТ, статья 143-1. Пытка",
    ]
    assert titles(client.get("/ru/legal/", {"q": "пытки омлет"}).content.decode()) == []


def test_filters_are_links_that_keep_the_other_choices(client, legal):
    html = client.get("/ru/legal/", {"country": "TJ", "q": "пытка"}).content.decode()
    assert titles(html) == ["УК РТ, статья 143-1. Пытка"]
    # The kind links keep the country and the query, and start again at page one.
    assert 'href="?q=%D0%BF%D1%8B%D1%82%D0%BA%D0%B0&amp;country=TJ&amp;kind=article"' in html
    html = client.get("/ru/legal/", {"topic": "ombudsman"}).content.decode()
    assert sorted(titles(html)) == [
        "Закон об Уполномоченном по правам человека (Таджикистан)",
        "Конституционный закон об Уполномоченном по правам человека (Казахстан)",
    ]
    html = client.get("/tg/legal/", {"kind": "model_document"}).content.decode()
    assert titles(html) == ["Намунаи ариза дар бораи шиканҷа ба прокуратура"]


def test_unknown_filter_values_are_ignored(client, legal):
    everything = titles(client.get("/en/legal/").content.decode())
    assert len(everything) == len(legal_demo.DOCUMENTS)
    odd = {"country": "XX", "kind": "'; drop", "topic": "\x00", "page": "-1"}
    assert titles(client.get("/en/legal/", odd).content.decode()) == everything


def test_the_article_page_shows_source_facts_and_download(client, legal):
    html = client.get("/ru/legal/model-complaint-prosecutor/").content.decode()
    assert "Образец демо-организации (вымышленный текст)" in html
    match = re.search(r'href="(/ru/legal-file/\d+/)" download', html)
    assert match, "the model document links its file"
    download = client.get(match.group(1))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    # Read through the storage: the words, not the ciphertext kept on disk.
    assert "ЗАЯВЛЕНИЕ о применении пыток" in b"".join(download.streaming_content).decode()
    html = client.get("/kk/legal/convention-against-torture/").content.decode()
    assert 'href="https://www.ohchr.org/' in html
    assert "<iframe" not in html and "<embed" not in html and "<object" not in html
    assert 'hreflang="tg" href="http://testserver/tg/legal/convention-against-torture/"' in html


def test_a_file_of_an_unpublished_or_fileless_document_is_not_served(client, legal):
    page = LegalDocumentPage.objects.get(
        slug="model-complaint-prosecutor", locale__language_code="ru"
    )
    assert client.get(f"/ru/legal-file/{page.pk}/").status_code == 200
    page.unpublish()
    assert client.get(f"/ru/legal-file/{page.pk}/").status_code == 404
    fileless = LegalDocumentPage.objects.get(slug="iccpr-article-7", locale__language_code="ru")
    assert client.get(f"/ru/legal-file/{fileless.pk}/").status_code == 404
    assert client.get("/ru/legal-file/999999/").status_code == 404


def test_results_are_paginated(client, legal):
    index = legal.localized
    template = LegalDocumentPage.objects.child_of(index).get(slug="kz-criminal-code-146")
    for n in range(PER_PAGE + 3):
        content.child_page(
            index,
            LegalDocumentPage(
                title=f"Пытки, документ {n}",
                slug=f"extra-{n}",
                kind="law",
                country="KZ",
                document_language="ru",
                source_citation="тест",
                date=template.date,
                body="<p>О пытках.</p>",
            ),
        )
    first = client.get("/ru/legal/", {"q": "пытки"}).content.decode()
    assert len(titles(first)) == PER_PAGE
    assert 'href="?q=%D0%BF%D1%8B%D1%82%D0%BA%D0%B8&amp;page=2" rel="next"' in first
    second = client.get("/ru/legal/", {"q": "пытки", "page": "2"}).content.decode()
    total = browse(index, {"q": "пытки"}).paginator_page.paginator.count
    assert total > PER_PAGE + 3
    assert len(titles(second)) == total - PER_PAGE
    assert not set(titles(first)) & set(titles(second))


def test_only_published_documents_are_found(client, legal):
    page = LegalDocumentPage.objects.get(slug="tj-criminal-code-143-1", locale__language_code="ru")
    assert LegalSearchEntry.objects.filter(page=page).exists()
    page.unpublish()
    assert not LegalSearchEntry.objects.filter(page=page).exists()
    assert titles(client.get("/ru/legal/", {"q": "143"}).content.decode()) == []
    # A draft edit does not reach search until it is published.
    page.title = "УК РТ, статья 143-1. Пытка (новая редакция)"
    page.save_revision()
    page.get_latest_revision().publish()
    assert titles(client.get("/ru/legal/", {"q": "редакция"}).content.decode()) == [
        "УК РТ, статья 143-1. Пытка (новая редакция)"
    ]


def test_browse_without_a_query_lists_newest_first(legal):
    result = browse(legal.localized, {})
    dates = [r.page.date for r in result.results]
    assert dates == sorted(dates, reverse=True)
    assert not result.filtered
