"""Every public address worth walking, found rather than listed: each live Wagtail page
in each language it is published in, the notice a language without it shows, and the
fixed pages (home, help form, help sent, a missing page, publications, the letter
templates and each public template's form) in every language; for each legal database,
a search that finds something (its matches are marked); each legal file to download
(a file, not a page: checked for its status and cookies only). Pages that other parts
add later are walked with no change here, as soon as the demo or a test publishes them."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.utils import translation
from wagtail.models import Page

from himoya.letters.selfhelp import public_templates
from himoya.public_site.content import child_page, home_page, locale
from himoya.public_site.content import translation as translate
from himoya.public_site.legal import LegalDocumentPage, LegalIndexPage
from himoya.public_site.models import ContactsPage, ContentPage, StepsPage
from himoya.public_site.views import sent_url

LANGS = [code for code, _name in settings.LANGUAGES]

# The apps whose demo data the public pages show: the organisations and their people
# (accounts), the facilities cases need (reference), the cases stories are told from and
# the reports count (cases), the publications (outreach), and the pages themselves.
# The other apps' demo data (letters, evidence, hearings, imports...) shows only on
# staff pages: skipping it keeps every public address (the same 140 on 5 Dec 2026) and
# takes about a fifth off loading the demo; most of the rest is the Wagtail pages' own.
PUBLIC_DEMO = {"accounts", "reference", "cases", "outreach", "public_site"}


@dataclass(frozen=True)
class Address:
    path: str
    status: int
    what: str  # for messages: which kind of page this is

    @property
    def is_file(self) -> bool:
        return self.what == FILE


FILE = "legal file"


def public_addresses() -> list[Address]:
    found: list[Address] = []
    for lang in LANGS:
        with translation.override(lang):
            found.append(Address(f"/{lang}/help/", 200, "help form"))
            found.append(Address(sent_url("KZ-2026-00042"), 200, "help sent"))
        found.append(Address(f"/{lang}/no-such-page-here/", 404, "missing page"))
        found.append(Address(f"/{lang}/publications/", 200, "publications"))
        found.append(Address(f"/{lang}/letters/", 200, "letter templates"))
        for template in public_templates():
            found.append(Address(f"/{lang}/letters/{template.pk}/", 200, "letter form"))
    found += _legal_addresses()
    pages = Page.objects.live().filter(depth__gte=2).select_related("locale").order_by("path")
    for page in pages:
        url = page.get_url()
        lang = page.locale.language_code
        if not url or not url.startswith(f"/{lang}/"):
            continue
        found.append(Address(url, 200, type(page.specific).__name__))
        have = set(
            page.get_translations(inclusive=True)
            .live()
            .values_list("locale__language_code", flat=True)
        )
        for other in sorted(set(LANGS) - have):
            # The same path in a language the page was not translated to: the notice
            # that offers the languages it has (404, so that it is not indexed).
            found.append(Address(f"/{other}/{url[len(lang) + 2 :]}", 404, "untranslated notice"))
    return sorted(set(found), key=lambda a: a.path)


def _legal_addresses() -> list[Address]:
    found = []
    for index in LegalIndexPage.objects.live().select_related("locale"):
        first = LegalDocumentPage.objects.live().child_of(index).order_by("path").first()
        words = [w for w in (first.title if first else "").split() if len(w) > 4]
        url = index.get_url()
        if words and url:
            # A word of a document's title: the search finds at least that document.
            found.append(Address(f"{url}?{urlencode({'q': words[0]})}", 200, "legal search"))
    documents = LegalDocumentPage.objects.live().filter(file__isnull=False)
    for document in documents.select_related("locale"):
        lang = document.locale.language_code
        found.append(Address(f"/{lang}/legal-file/{document.pk}/", 200, FILE))
    return found


def publish_extra_pages() -> None:
    """A steps page in every language and a page in Russian and English only, under
    slugs no demo uses: so the walk always meets a content page, a steps page and the
    untranslated notice, whatever the demo publishes."""
    home = home_page(title="Главная (тест)", intro="<p>Помощь (тест)</p>")
    steps = child_page(
        home,
        StepsPage(
            title="Семь шагов (проверка)",
            slug="walk-steps",
            show_in_menus=False,
            steps=[
                (
                    "step",
                    {
                        "title": "Сообщите третьим лицам",
                        "meaning": "<p>Смысл шага (проверка)</p>",
                        "where": "<p>Куда идти (проверка)</p>",
                    },
                )
            ],
        ),
    )
    about = child_page(
        home,
        ContentPage(
            title="О проверке",
            slug="walk-about",
            intro="Кратко (проверка)",
            body=[("heading", "Раздел (проверка)")],
        ),
    )
    child_page(home, ContactsPage(title="Контакты (проверка)", slug="walk-contacts"))
    for code in LANGS:
        if code == settings.LANGUAGE_CODE:
            continue
        if home.get_translation_or_none(locale(code)) is None:
            translate(home, code, title=f"Home {code} (test)")
        translate(steps, code, title=f"Steps {code} (test)")
    translate(about, "en", title="About the check")
