"""The organisation's publications (media materials) on the public site: those of the
publications register (``outreach.Publication``) that staff marked public, by year and
language. Nothing else of the register shows: its register numbers stay inside."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from himoya.outreach.forms import LANGUAGE_CHOICES
from himoya.outreach.models import Publication
from himoya.public_site import i18n

LANGUAGE_NAMES = dict(LANGUAGE_CHOICES)


@dataclass
class Year:
    year: int
    publications: list[Publication]


def public_publications(
    organisation_slug: str, *, year: int | None = None, language: str = ""
) -> list[Year]:
    """The public publications of the organisation that runs the site, newest year first."""
    if not organisation_slug:
        return []
    rows = Publication.objects.filter(organisation__slug=organisation_slug, public=True)
    if year is not None:
        rows = rows.filter(published_on__year=year)
    if language:
        rows = rows.filter(language=language)
    years: dict[int, Year] = {}
    for publication in rows.order_by("-published_on", "title").only(
        "published_on", "language", "title", "kind", "url"
    ):
        found = years.setdefault(
            publication.published_on.year, Year(publication.published_on.year, [])
        )
        found.publications.append(publication)
    return list(years.values())


def public_count(organisation_id: int, year: int) -> int:
    """How many publications of the year the site lists: the published statistics count
    these, not the register's internal items (the yearly report for grants counts all)."""
    return Publication.objects.filter(
        organisation_id=organisation_id, public=True, published_on__year=year
    ).count()


def public_years_and_languages(organisation_slug: str) -> tuple[list[int], list[str]]:
    rows = Publication.objects.filter(organisation__slug=organisation_slug, public=True)
    years = sorted({d.year for d in rows.dates("published_on", "year")}, reverse=True)
    languages = sorted(set(rows.values_list("language", flat=True)))
    return years, languages


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def publications(request: HttpRequest) -> HttpResponse:
    slug = settings.HIMOYA_PUBLIC_ORGANISATION
    years, languages = public_years_and_languages(slug) if slug else ([], [])
    year = _int(request.GET.get("year"))
    year = year if year in years else None
    language = request.GET.get("language", "")
    language = language if language in languages else ""
    context = {
        "alternates": i18n.view_alternates(request),
        "menu": i18n.menu(),
        "years": years,
        "languages": [(code, LANGUAGE_NAMES.get(code, code)) for code in languages],
        "year": year,
        "language": language,
        "groups": public_publications(slug, year=year, language=language),
        "language_names": LANGUAGE_NAMES,
        "title": _("Publications"),
    }
    return render(request, "public_site/publications.html", context)
