"""The reports page: annual reports attached by editors, and the yearly statistics of the
years the organisation chose to publish, with small counts suppressed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document

from himoya.cases.services import PersonInput
from himoya.public_site import content
from himoya.public_site.reports import ReportsPage, shown, suppressed
from tests.factories import UserFactory, register_appeal
from tests.public_site.site import build_site

pytestmark = pytest.mark.django_db


def _person(n, sex):
    return PersonInput(full_name=f"Примеров Арман {sex} {n}", sex=sex)


def _label(key):
    return key.upper()


def test_counts_under_five_are_shown_as_fewer_than_five(english):
    assert [shown(n) for n in (0, 1, 4, 5, 120)] == [
        "0",
        "fewer than 5",
        "fewer than 5",
        "5",
        "120",
    ]


def test_one_small_count_of_a_partition_takes_its_smallest_neighbour_with_it(english):
    # 20 = 12 + 6 + 2: shown as 12, "5 or more", "fewer than 5", so 2 cannot be subtracted out.
    figures = suppressed({"a": 12, "b": 6, "c": 2}, _label, partition=True)
    assert [(f.label, f.shown) for f in figures] == [
        ("A", "12"),
        ("B", "5 or more"),
        ("C", "fewer than 5"),
    ]
    # Two small counts hide each other; counts that do not add up need no neighbour.
    figures = suppressed({"a": 12, "b": 3, "c": 2}, _label, partition=True)
    assert [f.shown for f in figures] == ["12", "fewer than 5", "fewer than 5"]
    figures = suppressed({"a": 12, "b": 6, "c": 2}, _label, partition=False)
    assert [f.shown for f in figures] == ["12", "6", "fewer than 5"]


@pytest.fixture
def site(db, org, settings):
    settings.HIMOYA_PUBLIC_ORGANISATION = org.slug
    return build_site()


def _reports_page(site, **fields):
    page = content.child_page(
        site["home"], ReportsPage(title="Отчёты (тест)", slug="reports", **fields)
    )
    content.translation(page, "en", title="Reports (test)")
    return page


def test_nothing_published_shows_nothing(client, site, org, english):
    intake = UserFactory(organisation=org, role="intake", totp=False)
    register_appeal(intake, received_on=dt.date(2026, 3, 1))
    _reports_page(site)
    html = client.get("/en/reports/").content.decode()
    assert "No reports are published yet." in html
    assert "Statistics for" not in html


def test_a_published_year_shows_suppressed_figures_and_the_reports(client, site, org, english):
    intake = UserFactory(organisation=org, role="intake", totp=False)
    for n in range(7):
        register_appeal(intake, received_on=dt.date(2025, 2, 1 + n), victim=_person(n, "male"))
    for n in range(2):
        register_appeal(intake, received_on=dt.date(2025, 3, 1 + n), victim=_person(n, "female"))
    register_appeal(intake, received_on=dt.date(2024, 3, 1))  # a year not published
    document = Document(title="Годовой отчёт 2025")
    document.file.save("report-2025.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    document.save()
    _reports_page(
        site,
        reports=[("report", {"year": 2025, "title": "Annual report 2025", "document": document})],
        statistics_years=[("year", 2025)],
    )
    html = client.get("/en/reports/").content.decode()
    assert "Annual report 2025" in html and document.url in html
    assert "Statistics for 2025" in html and "Statistics for 2024" not in html
    section = html.split('id="statistics-2025"')[1]
    assert '<th scope="row">Appeals received</th><td>9</td>' in section
    # By sex: 7 and 2 of 9; the 2 is "fewer than 5", and the 7 beside it "5 or more".
    assert "<td>fewer than 5</td>" in section
    assert "<td>5 or more</td>" in section
    assert "<td>2</td>" not in section and "<td>7</td>" not in section


def test_a_year_under_five_shows_no_breakdown(client, site, org, english):
    intake = UserFactory(organisation=org, role="intake", totp=False)
    for n in range(3):
        register_appeal(intake, received_on=dt.date(2025, 2, 1 + n))
    _reports_page(site, statistics_years=[("year", 2025)])
    section = client.get("/en/reports/").content.decode().split('id="statistics-2025"')[1]
    assert '<th scope="row">Appeals received</th><td>fewer than 5</td>' in section
    assert "<caption>" not in section


def test_the_publications_figure_counts_only_those_marked_public(client, site, org, english):
    from himoya.outreach.services import publication_create
    from himoya.stats.report import yearly_stats

    coordinator = UserFactory(organisation=org, role="coordinator", totp=False)
    for n, public in enumerate([True] * 6 + [False] * 3):
        publication_create(
            actor=coordinator,
            organisation=org,
            published_on=dt.date(2025, 4, 1 + n),
            language="ru",
            title=f"Публикация {n}",
            kind="article",
            url="https://example.org/a",
            public=public,
        )
    # A public one of another year is not this year's.
    publication_create(
        actor=coordinator,
        organisation=org,
        published_on=dt.date(2024, 4, 1),
        language="ru",
        title="Публикация 2024",
        kind="article",
        url="https://example.org/b",
        public=True,
    )
    _reports_page(site, statistics_years=[("year", 2025)])
    section = client.get("/en/reports/").content.decode().split('id="statistics-2025"')[1]
    assert '<th scope="row">Publications</th><td>6</td>' in section
    # The internal yearly report still counts the whole register.
    report = yearly_stats(actor=coordinator, year=2025, organisation=org)
    assert report["publications"]["total"] == 9
