"""Building the page tree from code (the demo, tests): a home page per language under
Wagtail's root, the site pointing at the default language's, and pages below it. Each
language version is a Wagtail translation of the Russian page (same translation key and
slug), so the language switcher and hreflang find it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from wagtail.models import Collection, Locale, Page, Site

from himoya.public_site.models import HomePage


def locale(code: str) -> Locale:
    found, _created = Locale.objects.get_or_create(language_code=code)
    return found


def tree_root() -> Page:
    """The root of Wagtail's page tree. Wagtail's migrations make it and the root of the
    collections (where documents go); a database emptied since (``flush``, a test's
    transactional cleanup) has neither, and both are made again."""
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(
            instance=Page(title="Root", slug="root", locale=locale(settings.LANGUAGE_CODE))
        )
    return root


def home_page(*, title: str, intro: str = "") -> HomePage:
    """The default language's home page, made the default site's root (replacing
    Wagtail's placeholder "Welcome" page, which has no content of ours)."""
    with transaction.atomic():
        existing = HomePage.objects.filter(locale=locale(settings.LANGUAGE_CODE)).first()
        if existing is not None:
            return existing
        root = tree_root()
        # Wagtail's placeholder holds the slug "home" and the default site: both go.
        Site.objects.filter(is_default_site=True).delete()
        for placeholder in root.get_children().filter(slug="home"):
            placeholder.delete()
        home = HomePage(
            title=title, slug="home", intro=intro, locale=locale(settings.LANGUAGE_CODE)
        )
        root.add_child(instance=home)
        home.save_revision().publish()
        Site.objects.create(
            is_default_site=True, root_page=home, hostname="localhost", port=80, site_name="Himoya"
        )
        return home


def child_page(parent: Page, page: Page) -> Page:
    """Adds ``page`` (unsaved) under ``parent`` in the parent's language, published."""
    page.locale = parent.locale
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def translation(page: Page, language: str, **fields: Any) -> Page:
    """``page`` in ``language`` (its parent must be translated first), published."""
    target = locale(language)
    found = page.get_translation_or_none(target)
    if found is None:
        found = page.specific.copy_for_translation(target)
    found = found.specific
    for name, value in fields.items():
        setattr(found, name, value)
    found.save_revision().publish()
    return found
