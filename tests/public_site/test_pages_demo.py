"""The public site's demo pages: loaded twice without duplicates, every page in the four
languages as translations of the Russian one (hreflang alternates), all in the menu."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.test import Client
from docx import Document
from wagtail.documents import get_document_model
from wagtail.models import Page

from himoya.core.demo_loader import DemoContext
from himoya.core.policies import SystemActor
from himoya.public_site import demo
from himoya.public_site.models import StepsPage

pytestmark = pytest.mark.django_db

SLUGS = ["steps", "rights", "about", "contacts", "privacy"]
LANGUAGES = ["ru", "kk", "tg", "en"]
ALTERNATE = r'<link rel="alternate" hreflang="(\w+)" href="([^"]+)"'


@pytest.fixture
def loaded(db: Any) -> None:
    demo.load(DemoContext(actor=SystemActor("cli:demo")))


def test_loading_twice_makes_no_duplicates(loaded: None) -> None:
    before = Page.objects.count()
    demo.load(DemoContext(actor=SystemActor("cli:demo")))
    assert Page.objects.count() == before
    for slug in SLUGS:
        pages = Page.objects.filter(slug=slug)
        assert sorted(p.locale.language_code for p in pages) == sorted(LANGUAGES)
        # One translation key: Wagtail links the four as versions of one page.
        assert len({p.translation_key for p in pages}) == 1
    titles = list(get_document_model().objects.values_list("title", flat=True))
    assert len(titles) == len(set(titles))


def test_seven_steps_with_templates_in_every_language(loaded: None) -> None:
    for page in StepsPage.objects.all():
        steps = list(page.steps)
        assert len(steps) == 7
        with_template = [s.value["template_document"] for s in steps]
        assert [bool(d) for d in with_template] == [0, 0, 1, 1, 0, 0, 0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_page_answers_with_hreflang_and_is_in_the_menu(loaded: None, language: str) -> None:
    client = Client()
    home = client.get(f"/{language}/")
    assert home.status_code == 200
    for slug in SLUGS:
        url = f"/{language}/{slug}/"
        assert f'href="{url}"' in home.content.decode(), f"{url} not in the menu"
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        alternates = dict(re.findall(ALTERNATE, html))
        assert sorted(alternates) == sorted(LANGUAGES), url
        assert all(href.endswith(f"/{code}/{slug}/") for code, href in alternates.items())
        assert "Set-Cookie" not in response.headers


# A letter of the page's language, where one is particular to it (English: the Russian form).
OWN_LETTERS = {"ru": "ы", "kk": "ә", "tg": "ҷ", "en": "ы"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_step_templates_download_as_blank_forms_in_the_pages_language(
    loaded: None, language: str
) -> None:
    steps = StepsPage.objects.get(locale__language_code=language)
    for document in [s.value["template_document"] for s in steps.steps][2:4]:
        response = Client().get(document.url)
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = "\n".join(p.text for p in Document(io.BytesIO(body)).paragraphs)
        assert "{{" not in text and "{%" not in text  # no template syntax left
        assert "____" in text  # a line to write on for each field
        assert OWN_LETTERS[language] in text
