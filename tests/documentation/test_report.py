"""The evaluation report: PDF and DOCX in the four languages, made on demand for the
readers of evaluations only, each download on the audit chain. Text is checked as a
reader would get it out of the file (pypdf, python-docx), so a font without Kazakh or
Tajik letters, or a broken encoding, fails here."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from pypdf import PdfReader

from himoya.core.models import AuditEvent
from himoya.documentation import report, services
from himoya.documentation.models import ConsentKind
from tests.conftest import make_client
from tests.documentation.conftest import TODAY

pytestmark = pytest.mark.django_db

KAZAKH = "әғқңөұүһі"
TAJIK = "ғӣқӯҳҷ"


@pytest.fixture
def evaluated(staff):
    services.consent_record(
        actor=staff.lawyer,
        case=staff.case,
        person=staff.victim,
        kind=ConsentKind.EXAMINATION,
        given_on=TODAY(),
    )
    evaluation = services.evaluation_record(
        actor=staff.doctor,
        case=staff.case,
        person=staff.victim,
        kind="medical",
        examined_on=TODAY(),
        overall="highly_consistent",
        truthful=True,
        sections={
            "physical_examination": f"Қазақша: {KAZAKH} (ойдан шығарылған)",
            "conclusion": f"Хулоса: {TAJIK} (тахайюлӣ) REPORT-CONCLUSION",
        },
    )
    services.finding_add(
        actor=staff.doctor,
        evaluation=evaluation,
        type="bruise",
        region="back",
        rating="typical",
        size="4 x 6 см",
        colour="көкшіл-күлгін",
        age_estimate="3–5 күн",
        view="back",
        x=0.45,
        y=0.3,
    )
    services.finding_add(
        actor=staff.doctor,
        evaluation=evaluation,
        type="abrasion",
        region="arm_left",
        rating="consistent",
        description="Ҷароҳати сатҳӣ",
    )
    return evaluation


def _pdf_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    # A table cell may break a hyphenated word over two lines.
    return re.sub(r"-\n", "-", text)


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


TITLES = {
    "ru": ("Заключение медицинского освидетельствования", "в значительной степени соответствует"),
    "kk": ("Медициналық куәландыру қорытындысы", "едәуір дәрежеде сәйкес келеді"),
    "tg": ("Хулосаи муоинаи тиббӣ", "ба дараҷаи баланд мувофиқат мекунад"),
    "en": ("Medical evaluation report", "highly consistent"),
}


@pytest.mark.parametrize("language", ["ru", "kk", "tg", "en"])
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_report_in_each_language_keeps_every_letter(staff, evaluated, language, fmt):
    made = report.evaluation_report(
        actor=staff.doctor, evaluation=evaluated, format=fmt, language=language
    )
    text = _pdf_text(made.content) if fmt == "pdf" else _docx_text(made.content)
    title, overall = TITLES[language]
    assert title in text
    assert overall in text
    assert KAZAKH in text and TAJIK in text
    assert "Документов Ерлан" in text and "4 x 6 см" in text and "көкшіл-күлгін" in text
    assert staff.case.number in text
    assert made.filename.endswith(f"-{language}.{fmt}")
    event = AuditEvent.objects.filter(action="evaluation.report").latest("pk")
    assert event.data["format"] == fmt and event.data["language"] == language
    assert "REPORT-CONCLUSION" not in str(event.data)


def test_the_pdf_draws_the_marks_on_the_diagrams(staff, evaluated):
    data = report.report_data(evaluated)
    # The first finding is marked on the back view; the second has no mark.
    assert [(m.number, m.view) for m in data.marks] == [(1, "back")]
    back = next(d for d in data.diagrams if d.view == "back")
    assert back.marks == ((1, 90.0, 132.0),)
    html = report.render_to_string("documentation/report.html", {"report": data})
    assert html.count("<svg") == 4 and 'cx="90.0" cy="132.0"' in html


def test_the_download_is_a_file_in_the_language_asked_for(staff, evaluated):
    client = make_client(staff.lawyer)
    url = f"/staff/cases/{staff.case.pk}/evaluations/{evaluated.pk}/report"
    response = client.get(f"{url}.pdf", {"language": "kk"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    assert "Медициналық куәландыру қорытындысы" in _pdf_text(response.content)
    response = client.get(f"{url}.docx", {"language": "tg"})
    assert response.status_code == 200
    assert "Хулосаи муоинаи тиббӣ" in _docx_text(response.content)
    assert client.get(f"{url}.pdf", {"language": "de"}).status_code == 400
    assert client.get(f"{url}.odt").status_code == 404
    events = AuditEvent.objects.filter(action="evaluation.report", actor=staff.lawyer)
    assert sorted(e.data["language"] for e in events) == ["kk", "tg"]


@pytest.mark.parametrize(
    "who",
    ["monitor", "intake", "coordinator", "analyst", "outside_doctor", "b_coordinator", "b_doctor"],
)
def test_who_may_not_download_the_report(staff, evaluated, who):
    user = getattr(staff, who)
    response = make_client(user).get(
        f"/staff/cases/{staff.case.pk}/evaluations/{evaluated.pk}/report.pdf", {"language": "ru"}
    )
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="evaluation.report").exists()
    with pytest.raises(Exception) as exc:
        report.evaluation_report(actor=user, evaluation=evaluated, format="pdf", language="ru")
    assert type(exc.value).__name__ == "PermissionDenied"


def test_a_report_is_not_stored(staff, evaluated, settings, tmp_path):
    # A media root of the test's own: other tests running beside it store files.
    settings.MEDIA_ROOT = tmp_path / "media"
    before = {p for p in settings.MEDIA_ROOT.rglob("*")} if settings.MEDIA_ROOT.exists() else set()
    report.evaluation_report(actor=staff.doctor, evaluation=evaluated, format="pdf", language="ru")
    after = {p for p in settings.MEDIA_ROOT.rglob("*")} if settings.MEDIA_ROOT.exists() else set()
    assert after == before
