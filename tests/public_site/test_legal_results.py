"""The order, paging and capped count of the legal database's search results: title
matches first, then the others, each newest first; every found document on exactly one
page; "more than N" once the count passes its cap."""

import datetime

import pytest
from django.db import connection
from django.utils import translation

from himoya.public_site import content, legal_demo, legal_selectors
from himoya.public_site.legal import LegalDocumentPage, LegalSearchEntry
from himoya.public_site.legal_search import parse
from himoya.public_site.legal_selectors import PER_PAGE, SearchResults, browse, documents
from tests.public_site.site import build_site

pytestmark = pytest.mark.django_db

EXTRA = PER_PAGE + 7


@pytest.fixture
def index(db):
    legal = legal_demo.load(build_site()["home"])
    index = legal.localized
    # Documents about torture: every third with the word in its title, dates spread so
    # that title matches and the others interleave in time.
    for n in range(EXTRA):
        content.child_page(
            index,
            LegalDocumentPage(
                title=f"Пытки, документ {n}" if n % 3 == 0 else f"Документ {n}",
                slug=f"extra-{n}",
                kind="law",
                country="KZ",
                document_language="ru",
                source_citation="тест",
                date=datetime.date(2000, 1, 1) + datetime.timedelta(days=37 * n),
                body="<p>О пытках в изоляторе.</p>",
            ),
        )
    return index


def expected_order(index, text):
    """Every entry ``text`` finds, ordered as the search promises, computed here from the
    plain ``@@`` and the pages' titles and dates, not through SearchResults."""
    tsquery = parse(text).tsquery
    pks = set(documents(index).values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT page_id, title_vector @@ %s::tsquery, date FROM "
            "public_site_legalsearchentry WHERE legal_vector @@ %s::tsquery",
            [tsquery, tsquery],
        )
        rows = [row for row in cursor.fetchall() if row[0] in pks]
    rows.sort(key=lambda row: (not row[1], -row[2].toordinal(), row[0]))
    return [row[0] for row in rows]


def test_pages_follow_title_matches_then_newest_and_cover_each_found_document_once(index):
    wanted = expected_order(index, "пытки")
    titled = LegalDocumentPage.objects.filter(pk__in=wanted, title__icontains="пытк").count()
    assert len(wanted) > PER_PAGE + 10
    assert 0 < titled < PER_PAGE  # page one runs past the title matches into the others
    got = []
    page = 1
    while True:
        result = browse(index, {"q": "пытки", "page": str(page)})
        got += [r.page.pk for r in result.results]
        if not result.next_url:
            break
        page += 1
    assert got == wanted
    assert result.paginator_page.paginator.count == len(wanted)
    assert not result.more_than


@pytest.mark.parametrize(("start", "stop"), [(0, 3), (2, 9), (5, 30), (11, 12), (40, 60)])
def test_any_slice_is_that_slice_of_the_whole_order(index, start, stop):
    wanted = expected_order(index, "пытки")
    found = SearchResults(documents(index), parse("пытки"), cap=1000)
    assert [entry.page_id for entry in found[start:stop]] == wanted[start:stop]


def test_the_count_stops_past_its_cap(index):
    total = len(expected_order(index, "пытки"))
    capped = SearchResults(documents(index), parse("пытки"), cap=5)
    assert capped.count() == 6
    assert capped.more_than_cap
    exact = SearchResults(documents(index), parse("пытки"), cap=total)
    assert exact.count() == total
    assert not exact.more_than_cap


def test_a_rare_word_finds_the_same_documents_as_the_plain_match(index):
    for text in ("прокуратура", "143", "изоляторе пытки", "омлет"):
        wanted = expected_order(index, text)
        found = SearchResults(documents(index), parse(text), cap=1000)
        assert [entry.page_id for entry in found[0:100]] == wanted
        assert found.count() == len(wanted)


def test_more_than_the_cap_is_said_in_the_visitors_language(client, index, monkeypatch):
    # The cap is a setting of the page; lowered so that a small site passes it.
    monkeypatch.setattr(legal_selectors, "COUNT_CAP", 5)
    with translation.override("ru"):
        result = browse(index, {"q": "пытки"})
    assert result.more_than
    html = client.get("/ru/legal/", {"q": "пытки"}).content.decode()
    assert f"Найдено более {result.more_than} документов" in html
    assert "Страница 1" in html and "Страница 1 из" not in html
    assert 'rel="next"' in html
    html = client.get("/kk/legal/", {"q": "азаптау"}).content.decode()
    assert "құжаттан астам табылды" not in html  # a handful found: counted exactly


def test_an_entry_follows_the_title_and_date_of_each_publication(index):
    page = LegalDocumentPage.objects.get(slug="extra-1", locale=index.locale)
    page.title = "Пытки: новая редакция"
    page.date = datetime.date(2030, 1, 1)
    page.save_revision().publish()
    entry = LegalSearchEntry.objects.get(page=page)
    assert entry.date == datetime.date(2030, 1, 1)
    assert expected_order(index, "пытки")[0] == page.pk
    assert browse(index, {"q": "пытки"}).results[0].page.pk == page.pk
