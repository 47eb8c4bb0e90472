"""The Django admin (/staff/admin/): case data for instance superusers only, every view
audited whatever the role, and no record whose name is a person's.

An organisation's administrator is a staff user of the admin site (it manages people and
teams there); the review gave one every Django permission and it still read victims'
names through the person foreign keys. Django permissions are not how need-to-know is
decided here, so granting them must not open case data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from himoya.accounts.models import Role
from himoya.cases import services
from himoya.cases.models import Case, Person
from himoya.core.models import AuditEvent
from himoya.reference import services as reference_services
from tests.conftest import make_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

VICTIM = "Примеров Арман"
APPLICANT = "Примерова Жанна"

# Every admin page of the case data, by model; each takes the record's id or nothing.
CASE_DATA = ("cases_person", "cases_case", "cases_appeal")


@pytest.fixture
def case(org: Any) -> Case:
    coordinator = UserFactory(organisation=org, role=Role.COORDINATOR, totp=False)
    return services.appeal_register(
        actor=coordinator,
        organisation=org,
        data=services.AppealInput(
            received_on=timezone.localdate() - dt.timedelta(days=1),
            channel="phone",
            consent_processing=True,
            victim=services.PersonInput(full_name=VICTIM, phone="+7 700 000 1111"),
            applicant=services.PersonInput(full_name=APPLICANT),
            applicant_relation="мать",
            country="KZ",
            violations=["torture"],
            agency="police",
        ),
    ).case


@pytest.fixture
def org_admin(org: Any) -> Any:
    """The organisation's administrator, given every permission Django knows."""
    user = UserFactory(organisation=org, role=Role.ADMIN, is_staff=True, totp=False)
    user.user_permissions.set(Permission.objects.all())
    return user


@pytest.fixture
def superuser() -> Any:
    return UserFactory(
        organisation=None, role=Role.ADMIN, is_staff=True, is_superuser=True, totp=False
    )


def case_data_urls(case: Case) -> list[str]:
    appeal = case.appeals.get()
    ids = {"cases_person": appeal.victim_id, "cases_case": case.pk, "cases_appeal": appeal.pk}
    urls = []
    for model in CASE_DATA:
        urls.append(reverse(f"admin:{model}_changelist"))
        for view in ("change", "history", "delete"):
            urls.append(reverse(f"admin:{model}_{view}", args=[ids[model]]))
        urls.append(reverse("admin:app_list", args=["cases"]))
    return urls


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR])
def test_no_organisation_role_reaches_case_data_in_the_admin(case, org, role):
    user = UserFactory(organisation=org, role=role, is_staff=True, totp=False)
    user.user_permissions.set(Permission.objects.all())
    client = make_client(user)
    for url in case_data_urls(case):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert VICTIM not in response.content.decode(), url
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert reverse("admin:cases_person_changelist") not in index.content.decode()
    assert VICTIM not in index.content.decode()


# Admins of other records that are the instance's, not an organisation's: accounts of
# every organisation, two-factor devices, e-mail addresses, groups, task results, the
# whole audit chain.
INSTANCE_ONLY = (
    "accounts_organisation",
    "accounts_team",
    "accounts_user",
    "auth_group",
    "account_emailaddress",
    "mfa_authenticator",
    "django_tasks_database_dbtaskresult",
    "core_auditevent",
)


def test_other_instance_records_are_superusers_only(org_admin, superuser):
    client = make_client(org_admin)
    for name in INSTANCE_ONLY:
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 403, name
    device = client.get(reverse("admin:mfa_authenticator_changelist"))
    assert device.status_code == 403
    assert client.get(reverse("admin:accounts_user_change", args=[org_admin.pk])).status_code in (
        403,
        404,
    )
    operator = make_client(superuser)
    for name in INSTANCE_ONLY:
        assert operator.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
    # Other packages' admins are recorded like ours.
    viewed = AuditEvent.objects.filter(action="admin.view", actor=superuser)
    assert viewed.filter(data={"model": "mfa.authenticator"}).exists()


def test_a_superuser_reads_case_data_and_each_view_is_audited(case, superuser):
    client = make_client(superuser)
    appeal = case.appeals.get()
    person = client.get(reverse("admin:cases_person_change", args=[appeal.victim_id]))
    assert person.status_code == 200 and VICTIM in person.content.decode()
    viewed = AuditEvent.objects.filter(action="admin.view", actor=superuser)
    event = viewed.get(object_type="cases.person")
    assert event.object_id == str(appeal.victim_id)
    # The person's organisation sees in its own audit log that the operator opened it.
    assert event.organisation_id == case.organisation_id

    page = client.get(reverse("admin:cases_appeal_change", args=[appeal.pk]))
    assert page.status_code == 200
    # The person foreign keys are plain ids, not a list of every person on the instance.
    form = page.context["adminform"].form
    assert {"victim", "applicant"} <= set(form.fields)
    assert form.fields["victim"].widget.__class__.__name__ == "ForeignKeyRawIdWidget"
    assert viewed.filter(object_type="cases.appeal", object_id=str(appeal.pk)).exists()

    before = viewed.count()
    assert client.get(reverse("admin:cases_case_changelist")).status_code == 200
    listed = viewed.order_by("-seq").first()
    assert viewed.count() == before + 1
    assert listed is not None and listed.data == {"model": "cases.case"}


def test_every_role_is_audited_in_the_admin(case, org, org_admin):
    """An organisation's administrator still keeps its partner organisations here; what
    it opens is recorded like a superuser's view, in its organisation's log."""
    partner = reference_services.partner_create(
        actor=org_admin, organisation=org, name="Партнёр (тест)", legal=True
    )
    client = make_client(org_admin)
    listed = client.get(reverse("admin:reference_partner_changelist"))
    assert listed.status_code == 200
    assert VICTIM not in listed.content.decode()
    opened = client.get(reverse("admin:reference_partner_change", args=[partner.pk]))
    assert opened.status_code == 200
    viewed = AuditEvent.objects.filter(action="admin.view", actor=org_admin)
    assert viewed.filter(data={"model": "reference.partner"}, organisation=org).exists()
    assert viewed.filter(
        object_type="reference.partner", object_id=str(partner.pk), organisation=org
    ).exists()


def test_a_refused_admin_page_records_no_view(case, org_admin):
    client = make_client(org_admin)
    person = case.appeals.get().victim_id
    assert client.get(reverse("admin:cases_person_change", args=[person])).status_code == 403
    assert not AuditEvent.objects.filter(action="admin.view", object_type="cases.person").exists()


def test_a_person_names_no_one_as_a_string(case):
    person = Person.objects.get(pk=case.appeals.get().victim_id)
    assert person.full_name == VICTIM
    text = str(person)
    assert str(person.pk) in text
    assert "Примеров" not in text and "Арман" not in text
