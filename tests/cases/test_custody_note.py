"""The custody record's note is shown on the case page, in every language, escaped."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from himoya.accounts.models import Organisation, Role
from himoya.cases import services
from himoya.reference.models import Facility
from tests.conftest import make_client
from tests.factories import UserFactory, open_case


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["ru", "tg"])
def test_custody_note_is_on_the_case_page(org: Organisation, lang: str) -> None:
    lawyer = UserFactory(organisation=org, role=Role.LAWYER)
    case = open_case(lawyer)
    person = case.parties.get().person
    facility = Facility.objects.create(country="KZ", name="ИВС (вымышленный)")
    services.custody_record(
        actor=lawyer,
        case=case,
        person=person,
        facility=facility,
        since=timezone.localdate() - dt.timedelta(days=3),
        note="Переведён ночью <без уведомления>\nадвоката не пустили",
    )
    html = (
        make_client(lawyer)
        .get(reverse("cases:detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE=lang)
        .content.decode()
    )
    assert "ИВС (вымышленный)" in html
    assert "Переведён ночью &lt;без уведомления&gt;<br>адвоката не пустили" in html


@pytest.mark.django_db
def test_record_without_note_adds_no_empty_paragraph(org: Organisation) -> None:
    lawyer = UserFactory(organisation=org, role=Role.LAWYER)
    case = open_case(lawyer)
    facility = Facility.objects.create(country="KZ", name="СИЗО (вымышленный)")
    services.custody_record(
        actor=lawyer,
        case=case,
        person=case.parties.get().person,
        facility=facility,
        since=timezone.localdate(),
    )
    html = make_client(lawyer).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "СИЗО (вымышленный)" in html and "custody-record-note" not in html
