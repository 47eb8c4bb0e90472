"""The medical (or psychological) evaluation report, as PDF or DOCX, in a language
chosen for the report, whatever the reader's page is in.

Made on demand and handed out, never stored: a report is the evaluation's personal data
in another form, and the evaluation it is made from is already kept, encrypted. Each
report handed out is an ``evaluation.report`` event naming format and language.

PDF comes from an HTML template through WeasyPrint (Pango and DejaVu fonts from Debian);
the body diagrams are the page's own SVG. DOCX is built with python-docx (no template,
so no template language to sandbox), with the diagrams as a PNG drawn by Pillow from the
same outlines (``documentation.body``).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from himoya.core.events import record_event
from himoya.core.policies import require
from himoya.documentation import body, photos
from himoya.documentation.models import (
    EVALUATION_SECTIONS,
    Consent,
    ConsentKind,
    Evaluation,
    EvaluationKind,
)

FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)

# Annex IV puts the findings after the examination and before the conclusions.
_CLOSING = ("conclusion", "recommendations", "restrictions", "report_sent_to")


@dataclass
class Report:
    content: bytes
    filename: str
    content_type: str


@dataclass
class FindingRow:
    number: int
    type: str
    location: str
    size: str
    colour: str
    age_estimate: str
    description: str
    rating: str
    # Linked photographs, by item and SHA-256 prefix: "E-12 (SHA-256 3f2a9c1d0e4b…)".
    photographs: list[str] = field(default_factory=list)


@dataclass
class ReportData:
    """What the report says, in the language active when it was built."""

    language: str
    title: str
    facts: list[tuple[str, str]]
    sections: list[tuple[str, str]]
    closing: list[tuple[str, str]]
    findings: list[FindingRow]
    diagrams: list[body.Diagram]
    marks: list[body.Mark]
    overall: str
    truthful: bool
    generated_on: dt.date
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def pictured(self) -> list[FindingRow]:
        """The findings with photographs linked, for the list after the table."""
        return [row for row in self.findings if row.photographs]


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else "—"


def _consent_fact(evaluation: Evaluation) -> str:
    consents = Consent.objects.filter(
        case_id=evaluation.case_id, person_id=evaluation.person_id, kind=ConsentKind.EXAMINATION
    ).order_by("given_on", "pk")
    active = [c for c in consents if c.revoked_at is None]
    if active:
        return _("given on %(date)s") % {"date": _date(active[-1].given_on)}
    return _("not in force")


def _css_string(text: str) -> str:
    return (
        '"'
        + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3c ")
        + '"'
    )


def _page_counter() -> str:
    """The footer's "Page 1 of 3" as CSS ``content``: the translation decides the word
    order, the counters are filled in by the PDF renderer."""
    text = _("Page %(page)s of %(pages)s") % {"page": "\x00page\x00", "pages": "\x00pages\x00"}
    parts = []
    for piece in text.split("\x00"):
        if piece in ("page", "pages"):
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(_css_string(piece))
    return " ".join(parts)


def report_data(evaluation: Evaluation) -> ReportData:
    """Builds the report's content under the active language (``translation.override``)."""
    findings = list(evaluation.findings.order_by("pk"))
    marks = body.marks(findings)
    linked = photos.linked(evaluation.case, findings)
    values = {name: getattr(evaluation, name) for name, _label in EVALUATION_SECTIONS}
    if evaluation.kind == EvaluationKind.PSYCHOLOGICAL:
        title = _("Psychological evaluation report")
    else:
        title = _("Medical evaluation report")
    person = evaluation.person
    facts = [
        (_("Case"), evaluation.case.number),
        (_("Person examined"), str(person.full_name)),
        (_("Date of birth"), str(person.birth_date or "—")),
        (_("Date of the examination"), _date(evaluation.examined_on)),
        (_("Clinician"), str(evaluation.clinician)),
        (_("Consent to be examined"), _consent_fact(evaluation)),
    ]
    sections = [
        (str(label), values[name])
        for name, label in EVALUATION_SECTIONS
        if values[name] and name not in _CLOSING
    ]
    closing = [
        (str(label), values[name])
        for name, label in EVALUATION_SECTIONS
        if values[name] and name in _CLOSING
    ]
    rows = [
        FindingRow(
            number=number,
            type=f.get_type_display(),
            location=f.get_region_display() + (f": {f.location}" if f.location else ""),
            size=f.size or "—",
            colour=f.colour or "—",
            age_estimate=f.age_estimate or "—",
            description=f.description or "—",
            rating=f.get_rating_display(),
            photographs=[
                _("%(item)s (SHA-256 %(prefix)s…)") % {"item": p.label, "prefix": p.short_hash}
                for p in linked.get(f.pk, [])
            ],
        )
        for number, f in enumerate(findings, start=1)
    ]
    labels = {
        "number": _("No."),
        "type": _("Type"),
        "location": _("Location"),
        "size": _("Size"),
        "colour": _("Colour"),
        "age_estimate": _("Age estimate"),
        "description": _("Description"),
        "rating": _("Consistency"),
        "diagrams": _("Body diagrams"),
        "diagrams_note": _("The numbers on the diagrams are those of the findings below."),
        "findings": _("Findings"),
        "photographs": _("Photographs of the findings"),
        "no_findings": _("No findings recorded."),
        "overall": _("Overall conclusion"),
        "truthful": _(
            "The clinician states that the above is true to the best of their knowledge "
            "(statement of truthfulness)."
        ),
        "generated": _("Made by Himoya on %(date)s from the evaluation as recorded.")
        % {"date": _date(timezone.localdate())},
        "page_counter": _page_counter(),
    }
    return ReportData(
        language=translation.get_language() or settings.LANGUAGE_CODE,
        title=title,
        facts=facts,
        sections=sections,
        closing=closing,
        findings=rows,
        diagrams=body.diagrams(marks),
        marks=marks,
        overall=evaluation.get_overall_display() if evaluation.overall else "",
        truthful=evaluation.truthful,
        generated_on=timezone.localdate(),
        labels=labels,
    )


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # The report is self-contained: nothing is fetched, from this host or any other.
    raise ValueError(f"the report fetches nothing ({url[:40]})")


def render_pdf(data: ReportData) -> bytes:
    from weasyprint import HTML

    html = render_to_string("documentation/report.html", {"report": data})
    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()


def render_docx(data: ReportData) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "DejaVu Sans"
    style.font.size = Pt(10)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.left_margin = section.right_margin = Cm(2)
    document.core_properties.title = data.title
    document.core_properties.language = data.language
    document.add_heading(data.title, level=1)
    facts = document.add_table(rows=0, cols=2)
    for label, value in data.facts:
        cells = facts.add_row().cells
        cells[0].text, cells[1].text = label, value
    for label, text in data.sections:
        document.add_heading(label, level=2)
        document.add_paragraph(text)
    document.add_heading(data.labels["diagrams"], level=2)
    document.add_picture(io.BytesIO(body.png(data.marks)), width=Cm(17))
    captions = document.add_table(rows=1, cols=len(data.diagrams))
    for cell, diagram in zip(captions.rows[0].cells, data.diagrams, strict=True):
        cell.text = diagram.label
    document.add_paragraph(data.labels["diagrams_note"])
    document.add_heading(data.labels["findings"], level=2)
    if data.findings:
        columns = (
            "number",
            "type",
            "location",
            "size",
            "colour",
            "age_estimate",
            "description",
            "rating",
        )
        table = document.add_table(rows=1, cols=len(columns))
        table.style = "Table Grid"
        for cell, name in zip(table.rows[0].cells, columns, strict=True):
            cell.text = data.labels[name]
        for row in data.findings:
            cells = table.add_row().cells
            for cell, name in zip(cells, columns, strict=True):
                cell.text = str(getattr(row, name))
    else:
        document.add_paragraph(data.labels["no_findings"])
    if data.pictured:
        document.add_heading(data.labels["photographs"], level=2)
        for row in data.pictured:
            document.add_paragraph(f"{row.number}: {', '.join(row.photographs)}")
    for label, text in data.closing:
        document.add_heading(label, level=2)
        document.add_paragraph(text)
    if data.overall:
        overall = document.add_paragraph()
        overall.add_run(f"{data.labels['overall']}: ").bold = True
        overall.add_run(data.overall)
    if data.truthful:
        document.add_paragraph(data.labels["truthful"])
    document.add_paragraph(data.labels["generated"])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def evaluation_report(*, actor: Any, evaluation: Evaluation, format: str, language: str) -> Report:
    """The report of ``evaluation`` for a reader of evaluations, made now in
    ``language``; the hand-over is recorded before it is returned."""
    case = evaluation.case
    require(actor, "documentation.evaluation.view", case)
    if format not in FORMATS:
        raise ValueError(f"unknown report format {format!r}")
    if language not in LANGUAGES:
        raise ValueError(f"unknown report language {language!r}")
    with translation.override(language):
        data = report_data(evaluation)
        content = render_pdf(data) if format == "pdf" else render_docx(data)
    with transaction.atomic():
        record_event(
            actor=actor,
            action="evaluation.report",
            obj=evaluation,
            organisation=case.organisation,
            data={
                "case": case.pk,
                "evaluation": evaluation.pk,
                "format": format,
                "language": language,
            },
        )
    return Report(
        content=content,
        filename=f"{case.number}-evaluation-{evaluation.pk}-{language}.{format}",
        content_type=FORMATS[format],
    )
