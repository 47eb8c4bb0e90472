"""Evidence in a real browser, in Russian and in Kazakh: a lawyer uploads a photograph
from the case page, the worker makes its working copies, the panel shows the thumbnail,
and the item's page shows the working copy and the chain of custody with the upload and
the look at the picture. No CSP violation, no request leaves the server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from himoya.accounts.models import Role
from himoya.evidence.models import EvidenceItem
from himoya.reference.models import Region, Term
from himoya.reference.vocab_data import load_reference_data
from tests.browser_helpers import PageGuard, login
from tests.conftest import run_queued_tasks
from tests.evidence.helpers import photo
from tests.factories import UserFactory, open_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _language(page: Any, code: str) -> None:
    with page.expect_navigation():
        page.select_option("#language-select", code)
    page.wait_for_load_state()


def test_a_photo_uploaded_on_the_case_page_shows_its_thumbnail_and_custody(
    page: Any, live_server: Any, org: Any, media: Path, tmp_path: Path
) -> None:
    load_reference_data(Term, Region)
    lawyer = UserFactory(organisation=org, role=Role.LAWYER, full_name="Юрист Доказательный")
    case = open_case(lawyer)
    picture = tmp_path / "снимок.jpg"
    picture.write_bytes(photo(width=400, height=300))
    base = live_server.url
    guard = PageGuard(page, base)
    login(page, base, lawyer)

    page.goto(f"{base}/staff/cases/{case.pk}/")
    assert "Доказательства" in page.inner_text("#evidence h2")
    page.click("#evidence details.add > summary")
    page.fill("#id_captured_by", "Вымышленный свидетель")
    page.set_input_files("#id_file", str(picture))
    with page.expect_navigation():
        page.click("#evidence form.evidence-form button[type=submit]")
    assert "SHA-256" in page.inner_text("#evidence")
    item = EvidenceItem.objects.get(case=case)
    assert run_queued_tasks() == 1

    _language(page, "kk")
    page.goto(f"{base}/staff/cases/{case.pk}/")
    assert "Дәлелдемелер" in page.inner_text("#evidence h2")
    thumb = page.locator("#evidence img.evidence-thumb")
    thumb.wait_for()
    assert page.evaluate("(img) => img.naturalWidth", thumb.element_handle()) > 0
    with page.expect_navigation():
        page.click(f"#evidence-{item.pk} a:has-text('Сақтау тізбегі')")
    page.locator("#working-copy").wait_for()
    assert page.evaluate("() => document.querySelector('#working-copy').naturalWidth") == 400
    page.reload()
    custody = page.inner_text("#custody")
    assert f"E-{item.pk}" in custody
    assert "қабылданды" in custody  # received
    assert "қаралды" in custody  # viewed (the working copy, for review)
    guard.assert_clean()
