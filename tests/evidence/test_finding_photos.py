"""Photographs linked to a finding: chosen by the evaluation's clinicians among the
case's evidence, shown as thumbnails on the evaluation panel, listed in the report by
item and SHA-256 prefix; nobody else may link, nobody who may not read evaluations
learns that the finding exists."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from himoya.core.models import AuditEvent
from himoya.documentation import report
from himoya.documentation import services as documentation
from himoya.documentation.models import ConsentKind
from himoya.evidence import services
from himoya.evidence.findings import finding_photos_set
from himoya.evidence.models import FindingPhoto
from himoya.evidence.tasks import derive_working_copies
from tests.conftest import make_client
from tests.documentation.conftest import TODAY
from tests.evidence.helpers import photo
from tests.factories import open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def examined(staff: Any, media: Path) -> Any:
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
        sections={"conclusion": "Вымышленный вывод."},
    )
    staff.finding = documentation.finding_add(
        actor=staff.doctor,
        evaluation=staff.evaluation,
        type="bruise",
        region="back",
        rating="typical",
    )
    staff.photos = []
    for _n in range(2):
        item = services.evidence_receive(
            actor=staff.doctor, case=staff.case, source=io.BytesIO(photo())
        )
        derive_working_copies.call(item.pk)
        staff.photos.append(item)
    return staff


def _url(staff: Any) -> str:
    return reverse("evidence:finding_photos", args=[staff.case.pk, staff.finding.pk])


def test_the_doctor_links_photographs_shown_on_the_panel_and_in_the_report(
    examined: Any,
) -> None:
    first, second = examined.photos
    client = make_client(examined.doctor)
    page = client.get(_url(examined))
    assert page.status_code == 200
    assert f'value="{first.pk}"' in page.content.decode()
    response = client.post(_url(examined), {"items": [str(first.pk), str(second.pk)]})
    assert response.status_code == 302
    assert set(FindingPhoto.objects.values_list("item_id", flat=True)) == {first.pk, second.pk}
    event = AuditEvent.objects.get(action="finding.photos")
    assert event.data["added"] == sorted([first.pk, second.pk])

    case_page = client.get(reverse("cases:detail", args=[examined.case.pk])).content.decode()
    thumb = first.copies.get(kind="thumbnail")
    assert reverse("evidence:copy", args=[examined.case.pk, first.pk, thumb.pk]) in case_page
    assert _url(examined) in case_page

    made = report.evaluation_report(
        actor=examined.doctor, evaluation=examined.evaluation, format="pdf", language="ru"
    )
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(made.content)).pages)
    for item in (first, second):
        assert f"E-{item.pk}" in text
        assert item.sha256[:12] in text
    docx = report.evaluation_report(
        actor=examined.doctor, evaluation=examined.evaluation, format="docx", language="kk"
    )
    words = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert f"E-{second.pk}" in words and second.sha256[:12] in words

    # Unlinking one keeps the other; the event says which went.
    assert client.post(_url(examined), {"items": [str(second.pk)]}).status_code == 302
    assert list(FindingPhoto.objects.values_list("item_id", flat=True)) == [second.pk]
    last = AuditEvent.objects.filter(action="finding.photos").order_by("-seq").first()
    assert last is not None and last.data["removed"] == [first.pk]
    # A finding deleted takes its links with it; the evidence stays.
    documentation.finding_delete(actor=examined.doctor, finding=examined.finding)
    assert not FindingPhoto.objects.exists()
    assert second.__class__.objects.filter(pk=second.pk).exists()


def test_only_evidence_of_the_same_case(examined: Any) -> None:
    elsewhere = open_case(examined.lawyer)
    stranger = services.evidence_receive(
        actor=examined.lawyer, case=elsewhere, source=io.BytesIO(photo())
    )
    response = make_client(examined.doctor).post(_url(examined), {"items": [str(stranger.pk)]})
    assert response.status_code == 400
    with pytest.raises(ValidationError):
        finding_photos_set(actor=examined.doctor, finding=examined.finding, items=[stranger])
    assert not FindingPhoto.objects.exists()


def test_who_may_not_link(examined: Any) -> None:
    # The case lawyer reads the evaluation but does not write it.
    lawyer = make_client(examined.lawyer)
    assert lawyer.get(_url(examined)).status_code == 403
    assert lawyer.post(_url(examined), {"items": [str(examined.photos[0].pk)]}).status_code == 403
    # Who may not read evaluations (a monitor of the team, a doctor not assigned, the
    # analyst, another organisation) gets the same 404 as for a finding that is not there.
    for user in (
        examined.monitor,
        examined.outside_doctor,
        examined.analyst,
        examined.b_doctor,
    ):
        client = make_client(user)
        assert client.get(_url(examined)).status_code == 404
        assert client.post(_url(examined), {"items": []}).status_code == 404
    assert not FindingPhoto.objects.exists()
    missing = reverse("evidence:finding_photos", args=[examined.case.pk, examined.finding.pk + 999])
    assert make_client(examined.doctor).get(missing).status_code == 404
