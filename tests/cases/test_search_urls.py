"""Search words never travel in a URL (issue 7, finding 10).

Proxy access logs and browser history keep URLs: a search is posted, the page keeps
it in the session (encrypted) under a random token, and every link, redirect, pushed
history entry and export link carries the token, never the words.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from himoya.accounts.models import Role
from himoya.cases import services
from himoya.cases.models import Case
from himoya.core.models import AuditEvent
from tests.conftest import make_client
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

WORDS = "Искомова"
LIST = "/staff/cases/"
# Every URL a page hands the browser: links, htmx requests, form targets, redirects.
URL_ATTRS = re.compile(r'(?:href|hx-get|hx-post|action|src)="([^"]*)"')


@pytest.fixture
def lawyer(org: Any) -> Any:
    team = TeamFactory(organisation=org, name="Поиск")
    user = UserFactory(organisation=org, role=Role.LAWYER, full_name="Юрист Поиска", totp=False)
    team.members.add(user)
    return user


@pytest.fixture
def client(lawyer: Any) -> Any:
    return make_client(lawyer)


def new_case(actor: Any, org: Any, name: str, days_ago: int = 1) -> Case:
    return services.appeal_register(
        actor=actor,
        organisation=org,
        data=services.AppealInput(
            received_on=timezone.localdate() - dt.timedelta(days=days_ago),
            channel="phone",
            consent_processing=True,
            victim=services.PersonInput(full_name=name),
            country="KZ",
            lawyer=actor.pk,
        ),
    ).case


def leaks(url: str) -> bool:
    return any(form in url for form in (WORDS, quote(WORDS), quote_plus(WORDS), "q="))


def urls_in(html: str) -> list[str]:
    return URL_ATTRS.findall(html)


@pytest.fixture
def found(lawyer: Any, org: Any) -> list[Case]:
    first = new_case(lawyer, org, f"{WORDS} Бахыт", days_ago=3)
    second = new_case(lawyer, org, f"{WORDS} Алия", days_ago=2)
    new_case(lawyer, org, "Другой Человек", days_ago=1)
    return [first, second]


def test_a_posted_search_redirects_to_a_token_and_no_link_names_the_words(client, found):
    posted = client.post(LIST, {"q": WORDS, "status": ""})
    assert posted.status_code == 303
    location = posted["Location"]
    assert not leaks(location) and "search=" in location
    page = client.get(location)
    body = page.content.decode()
    assert all(case.number in body for case in found)
    assert "Другой Человек" not in body
    assert WORDS in body  # the box still shows what was searched (in the page, not a URL)
    assert not [url for url in urls_in(body) if leaks(url)]
    # the search box posts: the form sends its words in the body
    assert re.search(r'<form class="filters[^>]*method="post"', body)


def test_pagination_and_sorting_keep_the_search_through_its_token(client, found, monkeypatch):
    monkeypatch.setattr("himoya.cases.views.list.PAGE_SIZE", 1)
    location = client.post(LIST, {"q": WORDS})["Location"]
    first = client.get(location).content.decode()
    next_links = [u for u in urls_in(first) if "page=2" in u]
    assert next_links and not [u for u in next_links if leaks(u)]
    second = client.get(LIST + next_links[0].replace("&amp;", "&")).content.decode()
    shown = [case.number for case in found if case.number in second]
    assert len(shown) == 1 and "Другой Человек" not in second


def test_the_htmx_search_answers_the_results_and_pushes_a_url_without_words(client, found):
    response = client.post(
        LIST,
        {"q": WORDS},
        headers={"HX-Request": "true", "HX-Target": "case-results"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="case-results"' in body and "<html" not in body
    assert all(case.number in body for case in found)
    pushed = response["HX-Push-Url"]
    assert "search=" in pushed and not leaks(pushed)
    assert not [url for url in urls_in(body) if leaks(url)]


def test_the_export_of_a_search_goes_by_token(client, found, lawyer):
    location = client.post(LIST, {"q": WORDS})["Location"]
    body = client.get(location).content.decode()
    exports = [u.replace("&amp;", "&") for u in urls_in(body) if "/export/csv" in u]
    assert exports and not leaks(exports[0])
    export = client.get(exports[0])
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert sorted(row[0] for row in rows[1:]) == sorted(case.number for case in found)


def test_words_in_a_url_are_not_searched_and_not_passed_on(client, found):
    """An old bookmark with ``?q=``: the words already reached a log once; the page does
    not search them, says why, and puts them into no further URL."""
    response = client.get(LIST, {"q": WORDS, "status": "new"})
    assert response.status_code == 200
    body = response.content.decode()
    assert not [url for url in urls_in(body) if leaks(url)]
    assert "Другой Человек" in body  # not narrowed by the words


def test_the_session_keeps_the_words_encrypted_and_a_stranger_token_finds_nothing(
    client, found, org
):
    client.post(LIST, {"q": WORDS})
    for session in Session.objects.all():
        assert WORDS not in str(session.get_decoded())
    location = client.post(LIST, {"q": WORDS})["Location"]
    token = re.search(r"search=([^&]+)", location).group(1)
    other = make_client(UserFactory(organisation=org, role=Role.COORDINATOR, totp=False))
    body = other.get(LIST, {"search": token}).content.decode()
    # another session's token is nothing to it: the list is not narrowed
    assert f'value="{WORDS}"' not in body and "Другой Человек" in body
    assert AuditEvent.objects.filter(action="case.list").exists()
