"""A person who writes on their own fills a public letter template in a browser with
JavaScript switched off, in Russian and in Kazakh, and downloads the PDF and the DOCX:
the PDF's text carries the words they typed. No cookie is set, every request stays on
the site's own host, and nothing of the letter is stored."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from docx import Document
from pypdf import PdfReader

from himoya.accounts.models import Role
from himoya.core.models import AuditEvent
from himoya.letters import selfhelp
from himoya.letters.models import Letter, LetterTemplate, Recipient
from himoya.letters.shipped import load_shipped
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

TYPED = {
    "recipient_name": "Генеральная прокуратура",
    "applicant_name": "Өзбетінше Гүлнар Ержанқызы",
    "victim_name": "Самостоятельный Ерлан",
    "events_date": "12.02.2025",
    "place": "ИВС № 0 (вымышленный)",
    "facts": "Вымышленные обстоятельства: ұрып-соғу, қорқыту.",
    "country": "KZ",
    "date": "01.03.2025",
}


def _download(page: Any, button: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    return Path(info.value.path()).read_bytes()


@pytest.mark.parametrize(
    ("lang", "listing", "make", "docx_label"),
    [
        ("ru", "Шаблоны писем", "Составить письмо", "DOCX"),
        ("kk", "Хат үлгілері", "Хатты дайындау", "DOCX"),
    ],
)
def test_fill_a_public_template_and_download_it(
    browser, live_server, org, settings, lang, listing, make, docx_label
):
    settings.HIMOYA_HELP_MIN_SECONDS = 0
    load_shipped(Recipient, LetterTemplate)
    coordinator = UserFactory(organisation=org, role=Role.COORDINATOR, totp=False)
    template = LetterTemplate.objects.get(code="torture-statement-prosecutor", language="ru")
    selfhelp.template_set_public(actor=coordinator, template=template, public=True)
    events = AuditEvent.objects.count()
    context = browser.new_context(
        java_script_enabled=False, locale=f"{lang}-KZ", accept_downloads=True
    )
    hosts: set[str] = set()
    context.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
    page: Any = context.new_page()
    page.set_default_timeout(30000)
    try:
        page.goto(f"{live_server.url}/{lang}/letters/")
        assert page.locator("html").get_attribute("lang") == lang
        assert page.get_by_role("heading", name=listing).is_visible()
        page.get_by_role("link", name=template.title).click()
        for name, value in TYPED.items():
            page.locator(f"[name={name}]").fill(value)
        pdf = _download(page, make)
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        assert "Өзбетінше Гүлнар Ержанқызы" in text and "ұрып-соғу" in text
        # The page is still the form, with what was typed: the DOCX the same way.
        page.get_by_label(docx_label).check()
        docx = _download(page, make)
        words = "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
        assert "Самостоятельный Ерлан" in words
        assert context.cookies() == []
    finally:
        context.close()
    assert hosts == {urlparse(live_server.url).netloc}
    assert Letter.objects.count() == 0 and AuditEvent.objects.count() == events
