"""In a real browser: a scan far over the limit does not cost the intake worker what they
typed, in Russian and in Kazakh. With JavaScript the page refuses the file before sending
(himoya.js); without it the server answers, and this walks that path."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from himoya.accounts.models import Organisation, Role
from himoya.cases.models import Appeal
from himoya.reference.models import Region, Term
from himoya.reference.vocab_data import load_reference_data
from tests.browser_helpers import login
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("locale", "message"),
    [("ru-RU", "Приложите скан"), ("kk-KZ", "кішірек сканерленген көшірмені тіркеп")],
)
def test_far_oversize_scan_keeps_the_typed_appeal(
    browser: Any, live_server: Any, org: Organisation, settings: Any, locale: str, message: str
) -> None:
    load_reference_data(Term, Region)
    settings.HIMOYA_MAX_UPLOAD_BYTES = 64 * 1024
    lawyer = UserFactory(organisation=org, role=Role.LAWYER)
    context = browser.new_context(locale=locale, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        base = live_server.url
        login(page, base, lawyer)
        page.goto(base + "/staff/cases/appeals/new/")
        page.select_option("#id_channel", "letter")
        page.fill("#id_received_on", (timezone.localdate() - dt.timedelta(days=1)).isoformat())
        page.fill("#id_content", "Письмо из колонии (вымышленное), набранное полностью.")
        page.check("#id_consent_processing")
        page.fill("#id_victim_name", "Письмов Нурлан")
        page.fill("#id_victim_birth", "1988")
        page.select_option("#id_agency", "penitentiary")
        page.check("input[name=violations][value=medical_care]")
        page.fill("#id_summary", "Не оказывают медицинскую помощь (вымышленно).")
        page.set_input_files(
            "#id_attachment",
            {
                "name": "scan.pdf",
                "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4\n" + b"0" * 600_000,
            },
        )
        with page.expect_navigation():
            page.click("form.appeal-form button[type=submit]")
        assert page.input_value("#id_victim_name") == "Письмов Нурлан"
        assert page.input_value("#id_victim_birth") == "1988"
        assert "набранное полностью" in page.input_value("#id_content")
        assert "медицинскую помощь" in page.input_value("#id_summary")
        assert page.is_checked("input[name=violations][value=medical_care]")
        assert message in page.inner_text("body")
        assert Appeal.objects.count() == 0
    finally:
        context.close()
