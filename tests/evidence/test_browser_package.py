"""The evidence package from the case page in a real browser: the case's lawyer picks a
photograph and a scan, the prosecutor's office the consent names, and the language (the
page in Russian, the package in Kazakh; the page in Kazakh, the package in Tajik); the
ZIP downloaded checks with ``sha256sum -c``. A recipient the consent does not name is
refused with the missing consent named on the page. No CSP violation, no request
leaves the server."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from himoya.accounts.models import Role
from himoya.core.models import AuditEvent
from himoya.documentation import services as documentation
from himoya.documentation.models import ConsentKind
from himoya.evidence import services
from himoya.evidence.tasks import derive_working_copies
from himoya.reference.models import Partner, Region, Term
from himoya.reference.vocab_data import load_reference_data
from tests.browser_helpers import PageGuard, login
from tests.evidence.helpers import pdf, photo
from tests.factories import UserFactory, open_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _language(page: Any, code: str) -> None:
    with page.expect_navigation():
        page.select_option("#language-select", code)
    page.wait_for_load_state()


def _build(page: Any, base: str, case: Any, values: dict[str, str], into: Path) -> dict[str, Any]:
    page.goto(f"{base}/staff/cases/{case.pk}/")
    page.click("#evidence details.package > summary")
    for value in values["contents"].split():
        page.check(f"#evidence form.package-form input[name=contents][value='{value}']")
    page.select_option("#id_recipient", values["recipient"])
    page.select_option("#id_purpose", values["purpose"])
    page.select_option("#id_language", values["language"])
    with page.expect_download() as info:
        page.click("#evidence form.package-form button[type=submit]")
    download = info.value
    target = into / download.suggested_filename
    download.save_as(target)
    folder = into / "unzipped"
    with zipfile.ZipFile(io.BytesIO(target.read_bytes())) as archive:
        archive.extractall(folder)
    checked = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    return {
        "manifest": json.loads((folder / "manifest.json").read_text(encoding="utf-8")),
        "readme": (folder / "README.txt").read_text(encoding="utf-8"),
        "zip": target.read_bytes(),
    }


def test_a_package_is_made_from_the_case_page_in_kazakh_and_tajik(
    page: Any, live_server: Any, org: Any, media: Path, tmp_path: Path
) -> None:
    import hashlib

    load_reference_data(Term, Region)
    lawyer = UserFactory(organisation=org, role=Role.LAWYER, full_name="Юрист Пакетов")
    case = open_case(lawyer)
    victim = case.parties.get(role="victim").person
    shot = services.evidence_receive(actor=lawyer, case=case, source=io.BytesIO(photo()))
    derive_working_copies.call(shot.pk)
    scan = services.evidence_receive(actor=lawyer, case=case, source=io.BytesIO(pdf()))
    prosecutor = Partner.objects.create(organisation=org, name="Прокуратура (вымышленная)")
    court = Partner.objects.create(organisation=org, name="Суд (вымышленный)")
    documentation.consent_record(
        actor=lawyer,
        case=case,
        person=victim,
        kind=ConsentKind.SHARING,
        given_on=shot.received_at.date(),
        partner=prosecutor,
    )
    base = live_server.url
    guard = PageGuard(page, base)
    login(page, base, lawyer)

    made = _build(
        page,
        base,
        case,
        {
            "contents": f"o{shot.pk} o{scan.pk}",
            "recipient": f"p{prosecutor.pk}",
            "purpose": "prosecutor",
            "language": "kk",
        },
        tmp_path / "kk",
    )
    assert made["manifest"]["language"] == "kk"
    assert {i["item"] for i in made["manifest"]["items"]} == {f"E-{shot.pk}", f"E-{scan.pk}"}
    assert "дәлелдемелер пакеті" in made["readme"]
    logged = AuditEvent.objects.get(action="evidence.package")
    assert logged.data["sha256"] == hashlib.sha256(made["zip"]).hexdigest()

    _language(page, "kk")
    clean = shot.copies.get(kind="clean")
    made = _build(
        page,
        base,
        case,
        {
            "contents": f"c{clean.pk}",
            "recipient": f"p{prosecutor.pk}",
            "purpose": "court",
            "language": "tg",
        },
        tmp_path / "tg",
    )
    assert made["manifest"]["language"] == "tg"
    assert made["manifest"]["items"][0]["what"] == "clean"
    assert "Бастаи далелҳо" in made["readme"]

    # The court is not named by the consent: refused, the form open with the reason.
    page.goto(f"{base}/staff/cases/{case.pk}/")
    page.click("#evidence details.package > summary")
    page.check(f"#evidence form.package-form input[name=contents][value='o{shot.pk}']")
    page.select_option("#id_recipient", f"p{court.pk}")
    with page.expect_navigation():
        page.click("#evidence form.package-form button[type=submit]")
    errors = page.inner_text("#evidence form.package-form")
    assert "мәліметтерді көрсетілген органдарға беруге" in errors  # the consent, in Kazakh
    assert "Суд (вымышленный)" in errors
    assert AuditEvent.objects.filter(action="evidence.package").count() == 2
    guard.assert_clean()
