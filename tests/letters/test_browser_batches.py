"""The batch pages in a real browser, in Russian: a lawyer chooses recipient and
template, picks three cases, checks them (the one without the victim's consent is
refused with its reason), makes the letters for the other two, watches the page's
progress reach "ready" while the jobs run on the worker's code, and opens a letter."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from himoya.letters.models import Generation, Letter, LetterBatch
from tests.browser_helpers import PageGuard, login, shoot
from tests.conftest import run_queued_tasks
from tests.letters.test_batches import _case
from tests.letters.test_letters import _prosecutor, _statement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submit(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def test_a_lawyer_makes_a_batch_and_watches_it_get_ready(page, live_server, staff, shipped):
    first = _case(staff, "Первый Вымышленный")
    second = _case(staff, "Второй Вымышленный")
    refused = _case(staff, "Без Согласия", consent=False)
    # Staff sign in with a second factor, as in real use.
    secret = generate_totp_secret()
    TOTP.activate(staff.lawyer, secret)
    staff.lawyer.totp_secret = secret
    base = live_server.url
    guard = PageGuard(page, base)
    login(page, base, staff.lawyer)
    assert page.get_attribute("html", "lang") == "ru"

    page.goto(f"{base}/staff/letters/batches/new/")
    page.select_option("#id_recipient", str(_prosecutor().pk))
    page.select_option("#id_template", str(_statement().pk))
    _submit(page, "form.batch-start button[type=submit]")
    for case in (first, second, refused):
        page.check(f"input[name=cases][value='{case.pk}']")
    page.fill("#id_place", "ИВС № 0 (вымышленный)")
    page.fill("#id_events_date", "01.02.2025")
    _submit(page, "form.batch-form button[name=check]")

    check = page.locator("#batch-check")
    assert check.locator(f"li.ok[data-case='{first.pk}']").count() == 1
    assert check.locator(f"li.ok[data-case='{second.pk}']").count() == 1
    reason = check.locator(f"li.refused[data-case='{refused.pk}']").inner_text()
    assert refused.number in reason and "не получится" in reason and "согласи" in reason
    assert not Letter.objects.exists()
    shoot(page, "letter-batch-check-ru")

    # The refused case left out, the rest are made (all or none: the check is the
    # lawyer's chance to see which would fail).
    page.uncheck(f"input[name=cases][value='{refused.pk}']")
    _submit(page, "form.batch-form button[name=create]")
    batch = LetterBatch.objects.get()
    assert page.url.endswith(f"/staff/letters/batches/{batch.pk}/")
    progress = page.locator(".batch-progress")
    assert "Готово писем: 0 из 2" in progress.inner_text()
    assert page.locator("#batch-status[hx-get]").count() == 1

    # The jobs run on the worker's code; the page's poll brings the progress to done.
    assert run_queued_tasks() == 2
    page.wait_for_function(
        "() => document.querySelector('.batch-progress').innerText"
        ".includes('Готово писем: 2 из 2, не удалось: 0')",
        timeout=20000,
    )
    assert page.locator("#batch-status[hx-get]").count() == 0
    assert page.locator(".batch-letters li[data-generation=done]").count() == 2
    assert set(Letter.objects.values_list("generation", flat=True)) == {Generation.DONE}
    shoot(page, "letter-batch-done-ru")

    letter = Letter.objects.get(case=first)
    _submit(page, f".batch-letters a[href='/staff/letters/{letter.pk}/']")
    assert page.locator(f"a[href='/staff/letters/{letter.pk}/file/pdf/']").count() == 1
    assert first.number in page.inner_text(".page-head")
    guard.assert_clean()
