"""Two leftovers of the dates and outcomes work: the birth date's help text follows the
reader's date rule (and the value is kept as ISO however it was typed), and the status
form keeps a case's own outcome selectable when it is retired since."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from himoya.accounts.models import Role
from himoya.cases import services
from himoya.cases.forms import AppealForm, StatusForm
from himoya.cases.models import Case, CaseStatus, PartyRole
from himoya.cases.person_forms import PersonForm
from himoya.reference.models import Term
from tests.conftest import make_client
from tests.factories import UserFactory, open_case

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def lawyer(org: Any) -> Any:
    return UserFactory(organisation=org, role=Role.LAWYER)


# ---------------------------------------------------------------- the birth date


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ru", "Например, 25.03.1990, или только год: 1990."),
        ("kk", "Мысалы, 25.03.1990 немесе тек жылы: 1990."),
        ("tg", "Масалан, 25.03.1990 ё танҳо сол: 1990."),
        ("en", "For example 1990-03-25, or the year alone: 1990."),
    ],
)
def test_birth_help_gives_the_reader_s_format(lawyer: Any, language: str, text: str) -> None:
    with translation.override(language):
        assert str(AppealForm(user=lawyer).fields["victim_birth"].help_text) == text
        assert str(PersonForm().fields["birth_date"].help_text) == text


def test_the_appeal_page_shows_the_localised_help(lawyer: Any) -> None:
    html = make_client(lawyer).get(reverse("cases:appeal_new")).content.decode()
    assert "Например, 25.03.1990, или только год: 1990." in html
    assert "YYYY-MM-DD" not in html and "ГГГГ-ММ-ДД" not in html


def test_a_birth_date_typed_as_shown_is_kept_as_iso(lawyer: Any) -> None:
    case = open_case(
        lawyer, victim=services.PersonInput(full_name="Датов Тест", birth_date="25.03.1990")
    )
    victim = case.parties.get(role=PartyRole.VICTIM).person
    assert victim.birth_date == "1990-03-25"
    # The edit form shows it by the reader's rule; a year alone stays a year.
    with translation.override("ru"):
        assert PersonForm.initial_of(victim)["birth_date"] == "25.03.1990"
    with translation.override("en"):
        assert PersonForm.initial_of(victim)["birth_date"] == "1990-03-25"
    services.person_update(
        actor=lawyer,
        person=victim,
        data=services.PersonInput(full_name="Датов Тест", birth_date="1991"),
    )
    victim.refresh_from_db()
    assert victim.birth_date == "1991"
    with translation.override("ru"):
        assert PersonForm.initial_of(victim)["birth_date"] == "1991"


# ---------------------------------------------------------------- the outcome


def outcome(code: str) -> Term:
    return Term.objects.get(vocabulary="outcome", code=code)


def offered(form: StatusForm) -> set[str]:
    return {str(v) for v, _label in form.fields["outcome"].choices}  # type: ignore[attr-defined]


def test_the_status_form_keeps_the_case_s_retired_outcome(org: Any, lawyer: Any) -> None:
    case = open_case(lawyer)  # in Kazakhstan
    kept, other = outcome("investigation_started"), outcome("registration_refused")
    # A case that carries an outcome while open (recorded before the outcomes became
    # per-country data, when reopening kept it): then both outcomes are retired.
    Case.objects.filter(pk=case.pk).update(outcome=kept)
    Term.objects.filter(pk__in=[kept.pk, other.pk]).update(active=False)
    case.refresh_from_db()

    form = StatusForm(country=case.country, outcome=case.outcome.code)  # type: ignore[union-attr]
    assert kept.code in offered(form) and other.code not in offered(form)
    assert kept.code not in offered(StatusForm(country=case.country))
    # The case page offers it in its close form.
    client = make_client(lawyer)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    close_form = page[page.index('id="status-outcome"') :]
    close_form = close_form[: close_form.index("</select>")]
    assert f'value="{kept.code}" selected' in close_form
    assert f'value="{other.code}"' not in close_form

    # Another retired outcome is refused, by the form and by the service alike.
    url = reverse("cases:status", args=[case.pk])
    refused = client.post(url, {"version": case.version, "status": "closed", "outcome": other.code})
    assert refused.status_code == 400
    with pytest.raises(ValidationError):
        services.case_change_status(
            actor=lawyer,
            case=case,
            status=CaseStatus.CLOSED,
            outcome=other.code,
            expected_version=case.version,
        )
    case.refresh_from_db()
    assert case.status != CaseStatus.CLOSED

    # Its own is accepted.
    done = client.post(url, {"version": case.version, "status": "closed", "outcome": kept.code})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.outcome == kept
