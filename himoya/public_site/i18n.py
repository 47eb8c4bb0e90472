"""Language versions of public pages: each language at its own URL (``/ru/...``,
``/kk/...``), linked to each other by hreflang alternates and the language switcher.

The switcher is a list of links rather than Django's set-language form: a form needs a
CSRF cookie, and the public side sets no cookie before the visitor uses a form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language
from wagtail.models import Locale, Page


@dataclass
class Alternate:
    code: str
    name: str
    url: str  # empty: no version in this language
    current: bool


def alternates(request: HttpRequest, urls: dict[str, str]) -> list[Alternate]:
    here = get_language()
    return [
        Alternate(
            code=code,
            name=name,
            url=request.build_absolute_uri(urls[code]) if urls.get(code) else "",
            current=code == here,
        )
        for code, name in settings.LANGUAGES
    ]


def view_alternates(request: HttpRequest) -> list[Alternate]:
    """A page made by a view (the help form) exists in every language."""
    path = request.path
    return alternates(request, {code: translate_url(path, code) for code, _ in settings.LANGUAGES})


def page_alternates(request: HttpRequest, page: Page) -> list[Alternate]:
    """A content page exists in the languages it was translated to and published in."""
    urls = {}
    for version in page.get_translations(inclusive=True).live().select_related("locale"):
        url = version.get_url(request=request)
        if url:
            urls[version.locale.language_code] = url
    return alternates(request, urls)


def locale_home(language: str | None = None) -> Page | None:
    """The home page of ``language`` (the active one by default), if it has one."""
    code = language or get_language() or settings.LANGUAGE_CODE
    locale = Locale.objects.filter(language_code=code).first()
    if locale is None:
        return None
    return Page.objects.filter(depth=2, locale=locale).live().first()


def menu(page: Any = None) -> list[Page]:
    """The pages shown in the menu: the live children of the language's home page."""
    home = locale_home(page.locale.language_code if page is not None else None)
    if home is None:
        return []
    return list(home.get_children().live().in_menu().specific())
