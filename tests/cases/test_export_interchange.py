"""The "CSV for import" export reads back through the register import's own parser."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from himoya.accounts.models import Organisation, Role
from himoya.cases import interchange_export, services
from himoya.imports.rules import CASE_COLUMNS, case_row, parse
from tests.conftest import make_client
from tests.factories import UserFactory, open_case


def test_export_columns_are_the_imports() -> None:
    assert list(interchange_export.CASE_COLUMNS) == list(CASE_COLUMNS)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["ru", "tg"])
def test_interchange_export_is_importable(org: Organisation, lang: str) -> None:
    lawyer = UserFactory(organisation=org, role=Role.LAWYER)
    first = open_case(
        lawyer,
        victim=services.PersonInput(full_name="Экспортов Данияр", sex="male", birth_date="1990"),
        violations=["torture", "threats"],
        summary="Вымышленное описание для проверки экспорта.",
    )
    second = open_case(lawyer, violations=["medical_care"], agency="penitentiary")
    client = make_client(lawyer)
    response = client.get(reverse("cases:export", args=["interchange"]), HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.csv"')
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(CASE_COLUMNS)  # codes, not translated headers

    parsed, rules = parse(io.BytesIO(response.content), CASE_COLUMNS, case_row, None)
    assert not rules.errors, rules.errors
    by_id = {row.external_id: row for row in parsed}
    assert set(by_id) == {first.number, second.number}
    row = by_id[first.number]
    assert row.victim_name == "Экспортов Данияр"
    assert sorted(t.code for t in row.violations) == ["threats", "torture"]
    assert row.summary == "Вымышленное описание для проверки экспорта."
    assert by_id[second.number].agency.code == "penitentiary"
    # the list page offers it next to CSV and XLSX
    page = client.get(reverse("cases:list"), HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert reverse("cases:export", args=["interchange"]) in page
