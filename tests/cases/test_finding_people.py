"""Finding people (issue 8): a name in three scripts finds the same person in the staff
search box and in the duplicate hints; phone numbers in any spelling; a case number
typed with a Cyrillic К."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from himoya.accounts.models import Role
from himoya.cases import services
from himoya.cases.models import Case, Person
from tests.cases.test_case_views import appeal_post
from tests.conftest import make_client
from tests.factories import TeamFactory, UserFactory, open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def lawyer(org: Any) -> Any:
    user = UserFactory(organisation=org, role=Role.LAWYER, full_name="Юрист Поиска", totp=False)
    TeamFactory(organisation=org, name="Шымкент").members.add(user)
    return user


@pytest.fixture
def client(lawyer: Any) -> Any:
    return make_client(lawyer)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"


def _case_of(lawyer: Any, org: Any, name: str, phone: str = "") -> Case:
    victim = services.PersonInput(full_name=name, phone=phone)
    return open_case(lawyer, org, victim=victim, lawyer=lawyer.pk)


def _search(client: Any, query: str) -> str:
    return client.post(reverse("cases:list"), {"q": query}, follow=True).content.decode()


@pytest.mark.parametrize("written", ["Джамшед Рахимов", "Ҷамшед Раҳимов", "Jamshed Rakhimov"])
def test_a_name_in_three_scripts_finds_the_same_person(client, lawyer, org, written):
    case = _case_of(lawyer, org, "Раҳимов Ҷамшед")
    other = _case_of(lawyer, org, "Рахманов Джамшид")
    found = _search(client, written)
    assert case.number in found and other.number not in found
    hints = client.post(reverse("cases:duplicates"), {"victim_name": written}).content.decode()
    assert case.number in hints and other.number not in hints


def test_a_kazakh_patronymic_in_three_spellings(client, lawyer, org):
    case = _case_of(lawyer, org, "Ерлан Құрманғалиұлы")
    for written in ("Курмангалиулы", "Kurmangaliuly", "Құрманғалиұлының"):
        assert case.number in _search(client, written)
    for written in ("Курмангалиулы Ерлан", "Yerlan Kurmangaliuly"):
        hints = client.post(reverse("cases:duplicates"), {"applicant_name": written})
        assert case.number in hints.content.decode()


def test_a_participle_finds_the_short_form(client, lawyer, org):
    case = open_case(lawyer, org, summary="Задержанный был избит в изоляторе.")
    for written in ("избитый", "избиты"):
        assert case.number in _search(client, written)


@pytest.mark.parametrize("typed", ["+7 701 234 56 78", "87012345678", "7012345678"])
def test_duplicate_hints_find_a_phone_in_any_spelling(client, lawyer, org, typed):
    case = _case_of(lawyer, org, "Ахметов Ерлан", phone="8 (701) 234-56-78")
    hints = client.post(reverse("cases:duplicates"), {"victim_phone": typed}).content.decode()
    assert case.number in hints


def test_the_appeal_form_stores_a_valid_phone_in_one_form_and_refuses_others(client, org):
    refused = client.post(reverse("cases:appeal_new"), appeal_post(victim_phone="12345"))
    assert refused.status_code == 400
    assert "victim_phone" in refused.context["form"].errors
    assert "+7 7" in refused.content.decode()  # the example number
    ok = client.post(reverse("cases:appeal_new"), appeal_post(victim_phone="87051234567"))
    assert ok.status_code == 302
    phones_stored = sorted(p.phone for p in Person.objects.filter(organisation=org))
    assert phones_stored == ["+7 705 123 4567", "+7 705 765 4321"]


def test_attach_to_accepts_a_case_number_with_a_cyrillic_k(client, lawyer, org):
    case = _case_of(lawyer, org, "Примеров Арман")
    cyrillic = case.number.replace("K", "К")
    assert cyrillic != case.number
    response = client.post(reverse("cases:appeal_new"), appeal_post(attach_to=cyrillic))
    assert response.status_code == 302
    assert case.appeals.count() == 2
    # The search finds it typed the same way.
    assert case.number in _search(client, cyrillic)


def test_the_migration_fills_the_skeleton_and_recomputes_the_phone_index(org):
    """Persons saved before cases.0010: no skeleton index, the phone indexed by digits."""
    from importlib import import_module

    from himoya.core.crypto import blind_index, normalise_phone
    from himoya.core.fields import blind_lookup

    migration = import_module("himoya.cases.migrations.0012_person_name_skeleton_phone_e164")
    person = Person.objects.create(
        organisation=org, full_name="Ҷамшед Раҳимов", phone="87012345678"
    )
    old_phone = blind_index(
        normalise_phone("87012345678"), purpose="cases.person.phone", organisation_id=org.pk
    )
    Person.objects.filter(pk=person.pk).update(name_skeleton_index=None, phone_index=old_phone)
    migration.reindex(None, None)
    for field, typed in (
        ("name_skeleton_index", "Jamshed Rakhimov"),
        ("phone_index", "7012345678"),
    ):
        assert list(Person.objects.filter(**blind_lookup(Person, field, typed, org.pk))) == [person]
