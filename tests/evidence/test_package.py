"""The evidence package: what it holds (checked with the real ``sha256sum -c`` after
unzipping), the consent it needs, who may make it, and what the audit chain keeps."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from himoya.core.models import AuditEvent
from himoya.documentation import services as documentation
from himoya.documentation.models import ConsentKind
from himoya.documentation.services import ConsentMissing
from himoya.evidence import package, services
from himoya.evidence.models import EvidenceItem
from himoya.evidence.tasks import derive_working_copies
from himoya.reference.models import Partner
from tests.conftest import make_client
from tests.documentation.conftest import TODAY
from tests.evidence.helpers import pdf, photo

pytestmark = pytest.mark.django_db

KAZAKH = "әғқңөұүһі"
TAJIK = "ғӣқӯҳҷ"


@pytest.fixture
def documented(staff: Any, media: Path) -> Any:
    """The case with a photograph (and its working copies), a PDF scan, a prosecutor's
    office as partner with the victim's consent to share with it, and an evaluation."""
    staff.photo = services.evidence_receive(
        actor=staff.lawyer,
        case=staff.case,
        source=io.BytesIO(photo()),
        original_name="IMG_0001.jpg",
        capture=services.Capture(when="3 марта, вечером", by="сестра"),
    )
    derive_working_copies.call(staff.photo.pk)
    staff.scan = services.evidence_receive(
        actor=staff.lawyer, case=staff.case, source=io.BytesIO(pdf())
    )
    staff.partner = Partner.objects.create(
        organisation_id=staff.case.organisation_id, name="Прокуратура области (вымышленная)"
    )
    staff.sharing = documentation.consent_record(
        actor=staff.lawyer,
        case=staff.case,
        person=staff.victim,
        kind=ConsentKind.SHARING,
        given_on=TODAY(),
        partner=staff.partner,
    )
    documentation.consent_record(
        actor=staff.lawyer,
        case=staff.case,
        person=staff.victim,
        kind=ConsentKind.EXAMINATION,
        given_on=TODAY(),
    )
    staff.evaluation = documentation.evaluation_record(
        actor=staff.doctor,
        case=staff.case,
        person=staff.victim,
        kind="medical",
        examined_on=TODAY(),
        overall="consistent",
        truthful=True,
        sections={"conclusion": f"Қорытынды: {KAZAKH}; Хулоса: {TAJIK}"},
    )
    return staff


def _post(client: Any, staff: Any, **fields: Any) -> Any:
    data = {
        "contents": [f"o{staff.photo.pk}", f"o{staff.scan.pk}"],
        "recipient": f"p{staff.partner.pk}",
        "purpose": "prosecutor",
        "language": "kk",
        **fields,
    }
    return client.post(reverse("evidence:package", args=[staff.case.pk]), data)


def _unzip(content: bytes, into: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None
        archive.extractall(into)
        return {name: archive.read(name) for name in archive.namelist()}


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_package_unzips_and_sha256sum_checks_it(documented: Any, tmp_path: Path) -> None:
    clean = documented.photo.copies.get(kind="clean")
    response = _post(
        make_client(documented.lawyer),
        documented,
        contents=[f"o{documented.photo.pk}", f"c{clean.pk}", f"o{documented.scan.pk}"],
        evaluation=str(documented.evaluation.pk),
    )
    assert response.status_code == 200, response.content[:2000]
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    pieces = list(response.streaming_content)
    content = b"".join(pieces)
    assert int(response["Content-Length"]) == len(content)
    folder = tmp_path / "unzipped"
    found = _unzip(content, folder)

    checked = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    lines = checked.stdout.strip().splitlines()
    assert len(lines) == len(found) - 1  # every file but SHA256SUMS itself
    assert all(line.endswith(": OK") for line in lines)

    photo_path = f"evidence/E-{documented.photo.pk}-original.jpg"
    assert found[photo_path] == photo()
    assert hashlib.sha256(found[photo_path]).hexdigest() == documented.photo.sha256

    # A changed byte is what sha256sum is for: it fails naming the file.
    (folder / photo_path).write_bytes(b"X" + photo()[1:])
    tampered = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True, check=False
    )
    assert tampered.returncode != 0
    assert f"{photo_path}: FAILED" in tampered.stdout

    manifest = json.loads(found["manifest.json"])
    assert manifest["case"] == documented.case.number
    assert manifest["language"] == "kk"
    assert manifest["created_by"] == str(documented.lawyer)
    assert manifest["created_at"].endswith("Z")
    assert manifest["recipient"] == str(documented.partner)
    by_file = {entry["file"]: entry for entry in manifest["items"]}
    original = by_file[photo_path]
    assert original["sha256"] == documented.photo.sha256
    assert original["size"] == documented.photo.size
    assert original["captured_when"] == "3 марта, вечером"
    assert original["received_by"] == str(documented.lawyer)
    assert original["received_at"].startswith(str(documented.photo.received_at.year))
    copy = by_file[f"evidence/E-{documented.photo.pk}-clean-{clean.pk}.jpg"]
    assert copy["what"] == "clean"
    assert copy["sha256"] == clean.sha256 != documented.photo.sha256
    assert copy["original_sha256"] == documented.photo.sha256

    report_name = next(name for name in found if name.startswith("report/"))
    assert report_name.endswith("-kk.pdf")
    text = _pdf_text(found[report_name])
    assert KAZAKH in text and TAJIK in text
    with translation.override("kk"):
        assert str(translation.gettext("Medical evaluation report")) in text

    rows = list(csv.reader(io.StringIO(found["custody.csv"].decode("utf-8-sig"))))
    with translation.override("kk"):
        assert rows[0][0] == translation.gettext("Item")
        shared = translation.gettext("Evidence shared")
    photo_rows = [r for r in rows[1:] if r[0] == f"E-{documented.photo.pk}"]
    # Received, then shared twice (the original and the working copy), this very package.
    assert [r[2] for r in photo_rows][-2:] == [shared, shared]
    assert {r[4] for r in photo_rows[-2:]} == {"original", "clean"}
    assert all(r[3] == str(documented.lawyer) for r in photo_rows[-2:])
    event_hashes = set(
        AuditEvent.objects.filter(object_id=str(documented.photo.pk)).values_list("hash", flat=True)
    )
    assert {r[7] for r in photo_rows} <= event_hashes
    assert "sha256sum -c SHA256SUMS" in found["README.txt"].decode("utf-8")

    event = AuditEvent.objects.get(action="evidence.package")
    assert event.data["sha256"] == hashlib.sha256(content).hexdigest()
    assert response["X-Package-SHA256"] == event.data["sha256"]
    assert event.data["size"] == len(content)
    assert event.data["items"] == sorted([documented.photo.pk, documented.scan.pk])
    assert event.data["partner"] == documented.partner.pk
    assert event.data["evaluation"] == documented.evaluation.pk
    shares = AuditEvent.objects.filter(action="evidence.share")
    assert sorted((e.data["item"], e.data["what"], e.data["purpose"]) for e in shares) == sorted(
        [
            (documented.photo.pk, "original", "prosecutor"),
            (documented.photo.pk, "clean", "prosecutor"),
            (documented.scan.pk, "original", "prosecutor"),
        ]
    )
    assert AuditEvent.objects.filter(action="evaluation.report").count() == 1


def test_a_body_named_in_words_and_the_report_in_tajik(documented: Any, tmp_path: Path) -> None:
    documentation.consent_record(
        actor=documented.lawyer,
        case=documented.case,
        person=documented.victim,
        kind=ConsentKind.SHARING,
        given_on=TODAY(),
        recipients="Кумитаи зидди шиканҷаи СММ",
    )
    client = make_client(documented.lawyer)
    page = client.get(reverse("cases:detail", args=[documented.case.pk]))
    form = page.context["package_form"]
    assert f'name="contents" value="o{documented.photo.pk}"' in page.content.decode()
    value = next(v for v, label in form.fields["recipient"].choices if "СММ" in label)
    response = _post(
        client,
        documented,
        recipient=value,
        purpose="un_body",
        language="tg",
        evaluation=str(documented.evaluation.pk),
    )
    assert response.status_code == 200
    found = _unzip(b"".join(response.streaming_content), tmp_path / "tg")
    manifest = json.loads(found["manifest.json"])
    assert manifest["recipient"] == "Кумитаи зидди шиканҷаи СММ"
    assert manifest["language"] == "tg"
    text = _pdf_text(found[next(n for n in found if n.startswith("report/"))])
    assert TAJIK in text
    with translation.override("tg"):
        assert translation.gettext("Medical evaluation report") in text
        readme = found["README.txt"].decode("utf-8")
        assert (
            translation.gettext("Evidence package of case %(number)s")
            % {"number": documented.case.number}
            in readme
        )
    assert AuditEvent.objects.get(action="evidence.package").data["partner"] is None


def test_refused_without_the_sharing_consent_naming_it(documented: Any) -> None:
    other = Partner.objects.create(
        organisation_id=documented.case.organisation_id, name="Суд района (вымышленный)"
    )
    response = _post(make_client(documented.lawyer), documented, recipient=f"p{other.pk}")
    assert response.status_code == 400
    page = response.content.decode()
    with translation.override("ru"):
        assert str(ConsentKind.SHARING.label) in page
    assert "Суд района (вымышленный)" in page
    assert not AuditEvent.objects.filter(action__in=["evidence.package", "evidence.share"])
    with translation.override("en"), pytest.raises(ConsentMissing) as refused:
        package.evidence_package(
            actor=documented.lawyer,
            case=documented.case,
            chosen=[documented.photo],
            recipient=package.Recipient(body="Some body nobody consented to"),
            purpose="court",
            language="en",
        )
    assert refused.value.kind == ConsentKind.SHARING
    assert "to share the information with named bodies" in refused.value.messages[0]


def test_refused_after_the_consent_is_revoked(documented: Any) -> None:
    client = make_client(documented.lawyer)
    assert _post(client, documented).status_code == 200
    documentation.consent_revoke(actor=documented.lawyer, consent=documented.sharing)
    response = _post(client, documented)
    assert response.status_code == 400
    with translation.override("ru"):
        assert str(ConsentKind.SHARING.label) in response.content.decode()
    assert AuditEvent.objects.filter(action="evidence.package").count() == 1


def test_who_may_not_make_a_package(documented: Any, org: Any) -> None:
    from himoya.accounts.models import Role
    from tests.factories import UserFactory

    # Analysts never reach evidence; another organisation's staff and a monitor outside
    # the case's team do not see the case: the same 404 as for a missing case.
    outsider = UserFactory(organisation=org, role=Role.MONITOR, totp=False)
    for user in (documented.analyst, documented.b_coordinator, outsider):
        assert _post(make_client(user), documented).status_code == 404
    # The team's monitor sees the evidence but may not hand it out.
    assert _post(make_client(documented.monitor), documented).status_code == 403
    page = make_client(documented.monitor).get(reverse("cases:detail", args=[documented.case.pk]))
    assert page.context["package_form"] is None
    assert "package-form" not in page.content.decode()
    with pytest.raises(PermissionDenied):
        package.evidence_package(
            actor=documented.doctor,
            case=documented.case,
            chosen=[documented.photo],
            recipient=package.Recipient(partner=documented.partner),
            purpose="court",
            language="ru",
        )
    # A coordinator may share the evidence, but the clinical report is not theirs to read.
    assert _post(make_client(documented.coordinator), documented).status_code == 200
    with pytest.raises(PermissionDenied):
        package.evidence_package(
            actor=documented.coordinator,
            case=documented.case,
            chosen=[documented.photo],
            recipient=package.Recipient(partner=documented.partner),
            purpose="court",
            language="ru",
            evaluation=documented.evaluation,
        )
    form = (
        make_client(documented.coordinator)
        .get(reverse("cases:detail", args=[documented.case.pk]))
        .context["package_form"]
    )
    assert "evaluation" not in form.fields
    assert not AuditEvent.objects.filter(action="evidence.package", actor=documented.monitor)


def test_another_cases_item_cannot_be_slipped_in(documented: Any) -> None:
    from tests.factories import open_case

    elsewhere = open_case(documented.lawyer)
    stranger = services.evidence_receive(
        actor=documented.lawyer, case=elsewhere, source=io.BytesIO(photo())
    )
    response = _post(make_client(documented.lawyer), documented, contents=[f"o{stranger.pk}"])
    assert response.status_code == 400
    with translation.override("en"), pytest.raises(ValidationError, match="this case"):
        package.evidence_package(
            actor=documented.lawyer,
            case=documented.case,
            chosen=[stranger],
            recipient=package.Recipient(partner=documented.partner),
            purpose="court",
            language="en",
        )


def test_a_large_file_streams_in_pieces(documented: Any) -> None:
    """The response is built as it is sent: no piece is the whole package."""
    import os

    from PIL import Image

    noise = Image.frombytes("RGB", (900, 900), os.urandom(900 * 900 * 3))
    out = io.BytesIO()
    noise.save(out, format="PNG")
    big = services.evidence_receive(
        actor=documented.lawyer, case=documented.case, source=io.BytesIO(out.getvalue())
    )
    assert big.size > 2_000_000
    response = _post(make_client(documented.lawyer), documented, contents=[f"o{big.pk}"])
    assert response.status_code == 200
    sizes = [len(piece) for piece in response.streaming_content]
    assert sum(sizes) > big.size
    assert max(sizes) <= 512 * 1024
    stored = EvidenceItem.objects.get(pk=big.pk)
    assert stored.sha256 == hashlib.sha256(out.getvalue()).hexdigest()
