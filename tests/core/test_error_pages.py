"""403, 404 and 500 pages: the site's layout, the visitor's language, and (500) nothing that
needs the database or context processors, with DEBUG off as in production."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from himoya.accounts.models import Organisation, Role
from tests.conftest import make_client
from tests.factories import UserFactory


def _get(client: Client, url: str, lang: str) -> tuple[int, str]:
    # A public path without a language is redirected to the visitor's (/kk/...) first.
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang, follow=True)
    return response.status_code, response.content.decode()


def test_debug_is_off_in_tests() -> None:
    assert settings.DEBUG is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "heading"),
    [("ru", "Страница не найдена"), ("kk", "Бет табылмады"), ("tg", "Саҳифа ёфт нашуд")],
)
def test_404_public_in_visitors_language(lang: str, heading: str) -> None:
    status, body = _get(Client(), "/no-such-page/", lang)
    assert status == 404
    assert f"<h1>{heading}</h1>" in body
    assert f'<html lang="{lang}">' in body
    assert 'class="public"' in body and 'class="langswitch"' in body


@pytest.mark.django_db
def test_404_for_staff_keeps_the_staff_navigation(org: Organisation) -> None:
    client = make_client(UserFactory(organisation=org, role=Role.LAWYER))
    status, body = _get(client, "/staff/cases/no-such-page/", "kk")
    assert status == 404
    assert "<h1>Бет табылмады</h1>" in body
    assert 'class="mainnav"' in body and reverse("staff:home") in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "heading"), [("ru", "Доступ запрещён"), ("tg", "Дастрасӣ манъ аст")]
)
def test_403_in_layout_and_language(org: Organisation, lang: str, heading: str) -> None:
    client = make_client(UserFactory(organisation=org, role=Role.LAWYER))
    status, body = _get(client, reverse("staff:staff_list"), lang)
    assert status == 403
    assert f"<h1>{heading}</h1>" in body
    assert 'class="mainnav"' in body


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.core.error_urls")
@pytest.mark.parametrize(("lang", "heading"), [("ru", "Ошибка сервера"), ("kk", "Сервер қатесі")])
def test_500_when_a_view_fails(lang: str, heading: str) -> None:
    client = Client(raise_request_exception=False)
    status, body = _get(client, "/broken/", lang)
    assert status == 500
    assert f"<h1>{heading}</h1>" in body
    assert f'<html lang="{lang}">' in body
    assert "fictional failure" not in body


def test_500_renders_without_database_or_context_processors() -> None:
    # No django_db mark: pytest-django fails any query made here.
    with translation.override("tg"):
        response = server_error(RequestFactory().get("/anything/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Хатои сервер</h1>" in body
    assert "himoya.css" in body
