import re

import pytest

from tests.public_site.site import build_site

pytestmark = pytest.mark.django_db

LANGS = ["ru", "kk", "tg", "en"]


@pytest.fixture
def site(db):
    return build_site()


def test_root_sends_the_visitor_to_their_language(client, site):
    assert client.get("/")["Location"] == "/ru/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="kk")["Location"] == "/kk/"


@pytest.mark.parametrize("lang", LANGS)
def test_each_language_has_its_own_url_with_hreflang_alternates(client, site, lang):
    response = client.get(f"/{lang}/steps/")
    assert response.status_code == 200
    assert response["Content-Language"] == lang
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    for other in LANGS:
        assert (
            f'<link rel="alternate" hreflang="{other}" href="http://testserver/{other}/steps/">'
            in html
        )
    # The switcher links every other language's version of the same page.
    for other in set(LANGS) - {lang}:
        assert f'href="http://testserver/{other}/steps/" hreflang="{other}"' in html


def test_a_page_only_in_some_languages_links_only_those(client, site):
    html = client.get("/ru/about/").content.decode()
    assert 'hreflang="en" href="http://testserver/en/about/"' in html
    assert 'hreflang="kk"' not in html.split("</head>")[0]


@pytest.mark.parametrize("lang", ["kk", "tg"])
def test_an_untranslated_page_says_so_and_offers_its_languages(client, site, lang):
    response = client.get(f"/{lang}/about/")
    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert 'href="http://testserver/ru/about/"' in html
    assert 'href="http://testserver/en/about/"' in html


@pytest.mark.parametrize(
    ("lang", "said"), [("en", "not translated yet"), ("ru", "ещё не переведено")]
)
def test_a_language_without_the_page_is_announced_as_untranslated(client, site, lang, said):
    """Not in a tooltip only (no screen reader reads a title on plain text): in text
    hidden from the eye, in the page's language, after the language's own name."""
    html = client.get(f"/{lang}/about/").content.decode()
    switcher = html.split('class="langswitch"')[1].split("</nav>")[0]
    for code, name in [("kk", "Қазақ тілі"), ("tg", "Тоҷикӣ")]:
        assert (
            f'<span lang="{code}">{name}</span><span class="visually-hidden"> ({said})</span>'
            in switcher
        )
    assert "visually-hidden" not in switcher.split('lang="kk"')[0]  # translated ones: none


def test_a_page_in_no_language_is_a_plain_404(client, site):
    assert client.get("/kk/nothing-here/").status_code == 404


@pytest.mark.parametrize(
    "path", ["/ru/", "/kk/steps/", "/en/about/", "/tg/help/", "/kk/about/", "/", "/en/nothing/"]
)
def test_plain_get_of_public_pages_sets_no_cookie(client, site, path):
    response = client.get(path)
    assert response.cookies == {}, response.cookies
    assert "Set-Cookie" not in response


EXTERNAL = re.compile(
    r"""(?:src|srcset|action|data|poster)\s*=\s*["']?\s*(?:https?:)?//|"""
    r"""<link[^>]*href=["'](?:https?:)?//(?!testserver/)|url\(\s*["']?(?:https?:)?//|@import""",
    re.IGNORECASE,
)


@pytest.mark.parametrize(
    "path", ["/ru/", "/kk/steps/", "/en/about/", "/tg/help/", "/kk/about/", "/en/nothing/"]
)
def test_public_pages_load_nothing_from_another_host(client, site, path):
    html = client.get(path).content.decode()
    assert not EXTERNAL.search(html), EXTERNAL.search(html)
    assert "<script" not in html  # every page reads without JavaScript, and loads none
    csp = client.get(path)["Content-Security-Policy"]
    assert "default-src 'self'" in csp


def test_the_external_resource_check_can_fail():
    assert EXTERNAL.search('<img src="https://cdn.example/x.png">')
    assert EXTERNAL.search('<link rel="stylesheet" href="//fonts.example/a.css">')
    assert not EXTERNAL.search('<a href="https://t.me/+99290000">Telegram</a>')


def test_a_missing_public_page_is_a_public_404_in_its_language(client, site):
    response = client.get("/kk/nothing-here/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="kk">' in html and 'class="public"' in html
    assert 'href="http://testserver/en/" hreflang="en"' in html
    assert "csrf" not in html.lower()


def test_staff_home_redirects_anonymous_to_login(client):
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/accounts/login/")


def test_wagtail_admin_needs_the_staff_login(client):
    response = client.get("/staff/cms/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/accounts/login/")
