"""Publications on the public site: only those marked public, by year and language."""

from __future__ import annotations

import datetime as dt

import pytest

from himoya.outreach import services
from himoya.outreach.models import Publication
from tests.factories import UserFactory
from tests.public_site.site import build_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(db, org, settings):
    settings.HIMOYA_PUBLIC_ORGANISATION = org.slug
    build_site()
    return UserFactory(organisation=org, role="coordinator", totp=False)


def _publication(user, title, day, language, public):
    return services.publication_create(
        actor=user,
        organisation=user.organisation,
        published_on=day,
        language=language,
        title=title,
        kind="article",
        url="https://example.org/a",
        public=public,
    )


def test_only_public_publications_are_listed_by_year(client, coordinator, other_org):
    _publication(coordinator, "Статья о пытках 2025", dt.date(2025, 5, 1), "ru", True)
    _publication(coordinator, "Мақала 2024", dt.date(2024, 5, 1), "kk", True)
    _publication(coordinator, "Внутренняя записка", dt.date(2025, 6, 1), "ru", False)
    other = UserFactory(organisation=other_org, role="coordinator", totp=False)
    _publication(other, "Чужая статья", dt.date(2025, 6, 1), "ru", True)
    html = client.get("/tg/publications/").content.decode()
    assert "Статья о пытках 2025" in html and "Мақала 2024" in html
    assert "Внутренняя записка" not in html and "Чужая статья" not in html
    assert html.index('id="year-2025"') < html.index('id="year-2024"')
    assert "DEMO" not in html and "web-" not in html  # register numbers stay inside


def test_filtered_by_year_and_language(client, coordinator):
    _publication(coordinator, "Статья 2025", dt.date(2025, 5, 1), "ru", True)
    _publication(coordinator, "Мақала 2025", dt.date(2025, 5, 2), "kk", True)
    _publication(coordinator, "Статья 2024", dt.date(2024, 5, 1), "ru", True)
    html = client.get("/ru/publications/?year=2025&language=kk").content.decode()
    assert "Мақала 2025" in html
    assert "Статья 2025" not in html and "Статья 2024" not in html
    # A year or language not offered is ignored, never an error.
    response = client.get("/ru/publications/?year=abc&language=%27%22")
    assert response.status_code == 200
    assert "Статья 2024" in response.content.decode()


def test_the_public_flag_is_kept_by_the_staff_edit(coordinator):
    publication = _publication(coordinator, "Статья", dt.date(2025, 5, 1), "ru", False)
    services.publication_update(
        actor=coordinator,
        publication=publication,
        published_on=publication.published_on,
        language="ru",
        title="Статья",
        public=True,
    )
    assert Publication.objects.get(pk=publication.pk).public


def test_nothing_public_says_so(client, coordinator):
    assert "No publications are listed yet." in client.get("/en/publications/").content.decode()
