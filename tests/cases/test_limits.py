"""Limits that protect the pages: a believable year of birth, bounded summary and story,
the same rule through the form, the service and the API, with a clear message."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from himoya.accounts.models import Organisation, Role
from himoya.cases import services
from himoya.cases.limits import BIRTH_YEAR_MIN, STORY_MAX_CHARS, SUMMARY_MAX_CHARS
from himoya.cases.models import Appeal
from tests.api.world import API, World, api_client, appeal_body, send
from tests.cases.test_case_views import appeal_post
from tests.conftest import make_client
from tests.factories import UserFactory, appeal_input, open_case


@pytest.fixture
def lawyer(org: Organisation) -> object:
    return UserFactory(organisation=org, role=Role.LAWYER)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "birth", "message"),
    [
        ("ru", "1850", "Год рождения должен быть в пределах от 1900 до"),
        ("kk", "1850", "Туған жылы 1900 және"),
        ("ru", "2999", "Год рождения должен быть в пределах от 1900 до"),
    ],
)
def test_form_refuses_an_unbelievable_birth_year(
    lawyer: object, lang: str, birth: str, message: str
) -> None:
    response = make_client(lawyer).post(
        reverse("cases:appeal_new"), appeal_post(victim_birth=birth), HTTP_ACCEPT_LANGUAGE=lang
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Appeal.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "word"), [("ru", "Текст слишком длинный"), ("tg", "Матн хеле дароз")]
)
def test_form_refuses_a_too_long_summary_and_story(lawyer: object, lang: str, word: str) -> None:
    data = appeal_post(summary="ы" * (SUMMARY_MAX_CHARS + 1), content="я" * (STORY_MAX_CHARS + 1))
    response = make_client(lawyer).post(
        reverse("cases:appeal_new"), data, HTTP_ACCEPT_LANGUAGE=lang
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "summary" in errors and "content" in errors
    html = response.content.decode()
    assert word in html and str(SUMMARY_MAX_CHARS + 1) in html
    assert f'maxlength="{SUMMARY_MAX_CHARS}"' in html


@pytest.mark.django_db
def test_service_holds_the_same_limits(lawyer: object) -> None:
    with pytest.raises(ValidationError) as caught:
        services.appeal_register(
            actor=lawyer,
            organisation=lawyer.organisation,  # type: ignore[attr-defined]
            data=appeal_input(summary="ы" * (SUMMARY_MAX_CHARS + 1)),
        )
    assert "summary" in caught.value.message_dict
    case = open_case(lawyer)
    with pytest.raises(ValidationError):
        services.case_update(
            actor=lawyer,
            case=case,
            changes=services.CaseChanges(summary="ы" * (SUMMARY_MAX_CHARS + 1)),
            expected_version=case.version,
        )
    victim = services.PersonInput(full_name="Годов Тест", birth_date=str(BIRTH_YEAR_MIN - 1))
    with pytest.raises(ValidationError) as caught:
        services.appeal_register(
            actor=lawyer,
            organisation=lawyer.organisation,  # type: ignore[attr-defined]
            data=appeal_input(victim=victim),
        )
    assert "birth_date" in caught.value.message_dict
    # At the edges: the first believable year and today are accepted.
    for birth in (str(BIRTH_YEAR_MIN), timezone.localdate().isoformat()):
        services.check_birth_date(birth)
    with pytest.raises(ValidationError):
        services.check_birth_date((timezone.localdate() + dt.timedelta(days=1)).isoformat())


def test_api_holds_the_same_limits(world: World) -> None:
    client = api_client(world.a_lawyer)
    too_long = send(
        client, "POST", f"{API}/appeals/", appeal_body(summary="ы" * (SUMMARY_MAX_CHARS + 1))
    )
    assert too_long.status_code == 422 and "summary" in too_long.json()["errors"]
    body = appeal_body()
    body["victim"]["birth_date"] = "1850"
    old = send(client, "POST", f"{API}/appeals/", body)
    assert old.status_code == 422
    assert "1900" in str(old.json()["errors"])
    schema = client.get(f"{API}/openapi.json").json()
    assert f'"maxLength": {SUMMARY_MAX_CHARS}' in str(schema).replace("'", '"')
