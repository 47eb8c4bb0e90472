"""The XLSX export is a usable sheet: dates as dates, fitted column widths, the header
frozen and filterable, headers in the reader's language."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from himoya.accounts.models import Organisation, Role
from tests.conftest import make_client
from tests.factories import UserFactory, open_case


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "first_header"), [("ru", "Номер дела"), ("kk", None)])
def test_xlsx_has_dates_widths_frozen_header_and_filter(
    org: Organisation, lang: str, first_header: str | None
) -> None:
    lawyer = UserFactory(organisation=org, role=Role.LAWYER)
    case = open_case(lawyer)
    response = make_client(lawyer).get(
        reverse("cases:export", args=["xlsx"]), HTTP_ACCEPT_LANGUAGE=lang
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    if first_header:
        assert header[0] == first_header
    assert header[0] != "Case number"  # translated, not the msgid
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}2"
    opened = sheet.cell(2, 3)
    assert opened.is_date and opened.value.date() == case.opened_on
    assert isinstance(opened.value, dt.datetime)
    assert sheet.cell(2, 1).value == case.number
    widths = [
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width
        for i in range(1, len(header) + 1)
    ]
    assert all(8 <= w <= 60 for w in widths)
    assert widths[0] >= len(header[0])
