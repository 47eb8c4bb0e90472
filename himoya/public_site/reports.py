"""Annual reports and published statistics: the reports editors attach (Wagtail
documents), and, for the years the organisation chose to publish, the yearly statistics
of ``stats.report`` with small counts suppressed.

Suppression, so that no person can be singled out: a count from 1 to 4 is shown as
"fewer than 5". Where counts add up to a total that is shown (appeals by agency, by
channel, by country, by sex), a single suppressed count could be recovered by
subtraction, so the smallest count beside it is suppressed too ("5 or more"). A year whose
total is under 5 shows no breakdown at all. Zero stays zero: it singles out nobody.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from himoya.accounts.models import Organisation
from himoya.cases.models import Sex
from himoya.core.policies import SystemActor
from himoya.public_site.models import TEXT_FEATURES, PublicPage
from himoya.public_site.publications import public_count
from himoya.reference.forms import country_label
from himoya.reference.models import Term
from himoya.stats.report import yearly_stats

THRESHOLD = 5


@dataclass(frozen=True)
class Figure:
    label: str
    shown: str


def shown(count: int) -> str:
    if 0 < count < THRESHOLD:
        return _("fewer than %(n)d") % {"n": THRESHOLD}
    return str(count)


def suppressed(
    values: dict[str, int], label: Callable[[str], str], *, partition: bool
) -> list[Figure]:
    """The counts of one breakdown, largest first, small ones suppressed. ``partition``:
    they add up to a total that is shown (see the module doc)."""
    items = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))
    small = [k for k, n in items if 0 < n < THRESHOLD]
    hide_also = None
    if partition and len(small) == 1:
        large = [k for k, n in items if n >= THRESHOLD]
        if large:
            hide_also = large[-1]  # the smallest of the large ones
    figures = []
    for key, count in items:
        text = _("%(n)d or more") % {"n": THRESHOLD} if key == hide_also else shown(count)
        figures.append(Figure(label=label(key), shown=text))
    return figures


@dataclass
class YearStatistics:
    year: int
    rows: list[Figure]
    breakdowns: list[tuple[str, list[Figure]]]


def public_statistics(organisation: Organisation, year: int) -> YearStatistics:
    """One year's published figures for the organisation that runs the site."""
    report = yearly_stats(actor=SystemActor("public:reports"), year=year, organisation=organisation)
    appeals, rehab = report["appeals"], report["rehabilitation"]
    rows = [
        Figure(_("Appeals received"), shown(appeals["total"])),
        Figure(_("of them about minors"), shown(appeals["minors"])),
        Figure(_("Legal aid given"), shown(appeals["legal_aid"])),
        Figure(_("People who began rehabilitation"), shown(rehab["total"])),
        # Only those the site lists: the register may hold internal items.
        Figure(_("Publications"), shown(public_count(organisation.pk, year))),
        Figure(_("Trainings held"), shown(report["trainings"]["total"])),
    ]
    if appeals["total"] < THRESHOLD:
        return YearStatistics(year=year, rows=rows, breakdowns=[])
    terms = {(t.vocabulary, t.code): t.label for t in Term.objects.all()}
    sexes = dict(Sex.choices)

    def term(vocabulary: str) -> Callable[[str], str]:
        return lambda code: str(terms.get((vocabulary, code), _("not known")))

    breakdowns = [
        (
            _("Appeals by violation"),
            suppressed(appeals["by_violation"], term("violation"), partition=False),
        ),
        (_("Appeals by agency"), suppressed(appeals["by_agency"], term("agency"), partition=True)),
        (
            _("Appeals by country"),
            suppressed(appeals["by_country"], lambda c: str(country_label(c)), partition=True),
        ),
        (
            _("Appeals by sex of the person"),
            suppressed(appeals["by_sex"], lambda s: str(sexes.get(s, s)), partition=True),
        ),
    ]
    return YearStatistics(year=year, rows=rows, breakdowns=[b for b in breakdowns if b[1]])


class ReportBlock(blocks.StructBlock):
    year = blocks.IntegerBlock(label=_l("year"), min_value=1990, max_value=2100)
    title = blocks.CharBlock(label=_l("title"))
    document = DocumentChooserBlock(label=_l("report to download"))

    class Meta:
        label = _l("annual report")


class ReportsPage(PublicPage):
    """Annual reports, and the statistics of the years the organisation chose to publish
    (each year listed here on purpose; none is shown by default)."""

    intro = RichTextField(_l("introduction"), features=TEXT_FEATURES, blank=True)
    reports = StreamField(
        [("report", ReportBlock())], blank=True, verbose_name=_l("annual reports")
    )
    statistics_years = StreamField(
        [("year", blocks.IntegerBlock(label=_l("year"), min_value=1990, max_value=2100))],
        blank=True,
        verbose_name=_l("statistics published for the years"),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("reports"),
        FieldPanel("statistics_years"),
    ]
    parent_page_types = ["public_site.HomePage"]
    template = "public_site/reports_page.html"

    class Meta:
        verbose_name = _l("reports page")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["annual_reports"] = sorted(
            (block.value for block in self.reports), key=lambda v: -v["year"]
        )
        organisation = Organisation.objects.filter(slug=settings.HIMOYA_PUBLIC_ORGANISATION).first()
        years = sorted({int(block.value) for block in self.statistics_years}, reverse=True)
        context["statistics"] = (
            [public_statistics(organisation, year) for year in years] if organisation else []
        )
        return context
