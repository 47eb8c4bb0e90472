"""A letter's whole cycle in a real browser, in Russian and in Kazakh: from the case
page a lawyer chooses recipient and template, previews the letter, makes it, downloads
the DOCX and the PDF (the Kazakh letters survive), signs it off, registers the dispatch
with a receipt's scan, sees the answer's due date with its legal basis and, the date
passed, the overdue answer on the dashboard; then records the answer with its scan."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from pypdf import PdfReader

from himoya.accounts.models import Role
from himoya.cases import services as case_services
from himoya.documentation import services as documentation
from himoya.documentation.models import ConsentKind
from himoya.letters.models import Letter, LetterStatus, LetterTemplate, Recipient
from himoya.letters.shipped import load_shipped
from himoya.reference.models import Region, Term
from himoya.reference.vocab_data import load_reference_data
from tests.browser_helpers import PageGuard, login, shoot
from tests.conftest import run_queued_tasks
from tests.factories import TeamFactory, UserFactory, open_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
FACTS = "Вымышленные обстоятельства: ұрып-соғу, қорқыту в ИВС (браузерный тест)."
# What the page says in each language (strings of this branch's own).
OVERDUE = {"ru": "Просроченные ответы", "kk": "Мерзімі өткен жауаптар"}


def _submit(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def _download(page: Any, selector: str) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    return Path(info.value.path()).read_bytes()


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_a_lawyer_writes_sends_and_follows_a_letter(page, live_server, org, language):
    # A transactional test starts from a flushed database: shipped data first.
    load_reference_data(Term, Region)
    load_shipped(Recipient, LetterTemplate)
    team = TeamFactory(organisation=org, name="Команда (тест)")
    lawyer = UserFactory(organisation=org, role=Role.LAWYER, full_name="Юристова Айгерим")
    lawyer.teams.add(team)
    case = open_case(
        lawyer, victim=case_services.PersonInput(full_name="Документов Ерлан"), team=team.pk
    )
    victim = documentation.victims(case)[0]
    documentation.consent_record(
        actor=lawyer,
        case=case,
        person=victim,
        kind=ConsentKind.SHARING,
        given_on=dt.date(2025, 3, 1),
        recipients="Генеральная прокуратура (вымышлено)",
    )
    prosecutor = Recipient.objects.get(country="KZ", kind="prosecutor_general")
    base = live_server.url
    guard = PageGuard(page, base)
    login(page, base, lawyer)
    if language != "ru":
        with page.expect_navigation():
            page.select_option("#language-select", language)
    assert page.get_attribute("html", "lang") == language

    # From the case page to the letter's form, recipient and template chosen.
    page.goto(f"{base}/staff/cases/{case.pk}/")
    _submit(page, f"#letters a[href='/staff/letters/case/{case.pk}/new/']")
    page.select_option("#id_recipient", str(prosecutor.pk))
    template = LetterTemplate.objects.get(code="torture-statement-prosecutor", language="ru")
    page.select_option("#id_template", str(template.pk))
    _submit(page, "form.letter-start button[type=submit]")
    # The case's facts are filled in; the lawyer completes them and previews.
    assert page.input_value("#id_victim_name") == "Документов Ерлан"
    page.fill("#id_place", "ИВС № 0 (вымышленный)")
    page.fill("#id_events_date", "12.02.2025")
    page.fill("#id_facts", FACTS)
    _submit(page, "form.letter-compose button[name=preview]")
    assert FACTS in page.inner_text("#preview .letter-page")
    assert not Letter.objects.exists()
    shoot(page, f"letter-preview-{language}")
    _submit(page, "form.letter-compose button[name=create]")
    letter = Letter.objects.get()
    assert page.url.endswith(f"/staff/letters/{letter.pk}/")
    # The files are the worker's: the page says they are being prepared, and its poll
    # brings the downloads in once the job (run here, by the worker's code) made them.
    assert page.locator("#letter-files[data-generation=pending]").count() == 1
    assert run_queued_tasks() == 1
    page.wait_for_selector(f"a[href='/staff/letters/{letter.pk}/file/docx/']", timeout=20000)

    docx = _download(page, f"a[href='/staff/letters/{letter.pk}/file/docx/']")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
    assert FACTS in text
    pdf = _download(page, f"a[href='/staff/letters/{letter.pk}/file/pdf/']")
    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "ұрып-соғу" in pdf_text and "Документов" in pdf_text

    _submit(page, f"form[action='/staff/letters/{letter.pk}/sign/'] button")
    page.fill("#id_sent_on", "2025-03-19")
    page.select_option("#id_channel", "post")
    page.fill("#id_outgoing_number", "Исх. 3/25")
    page.set_input_files(
        "#id_proof", {"name": "receipt.png", "mimeType": "image/png", "buffer": PNG}
    )
    _submit(page, "form.dispatch-form button[type=submit]")
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SENT and letter.proof
    # 15 working days from 19 March 2025 across Nauryz: 14 April; with its legal basis.
    assert letter.due_on == dt.date(2025, 4, 14)
    due = page.inner_text(".due-on")
    assert "14" in due and "2025" in due and "76" in due
    shoot(page, f"letter-sent-{language}")

    # The date has passed: the overdue answer is on the dashboard.
    page.goto(f"{base}/staff/")
    page.wait_for_selector(f"#overdue-letters li[data-letter='{letter.pk}']")
    assert OVERDUE[language] in page.inner_text("#overdue-letters h2")
    page.goto(f"{base}/staff/letters/")
    assert "76" in page.inner_text(f"tr[data-letter='{letter.pk}'] td.rule")

    page.goto(f"{base}/staff/letters/{letter.pk}/")
    page.fill("#id_answered_on", "2025-04-10")
    page.select_option("#id_outcome", "accepted")
    page.fill("#id_note", "Проверка назначена (вымышленный ответ).")
    page.set_input_files(
        "#id_answer", {"name": "answer.png", "mimeType": "image/png", "buffer": PNG}
    )
    _submit(page, "form.answer-form button[type=submit]")
    letter.refresh_from_db()
    assert letter.status == LetterStatus.ANSWERED and letter.answer
    assert page.locator(f"a[href='/staff/letters/{letter.pk}/file/answer/']").count() == 1
    page.goto(f"{base}/staff/")
    page.wait_for_selector("#case-dashboard .dashboard-grid")
    assert page.locator("#overdue-letters").count() == 0
    guard.assert_clean()
