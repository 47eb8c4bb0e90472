"""The public help form: one appeal through appeal_register, spam refused, the urgent
path, what was typed kept on an error, no cookie."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core.cache import cache

from himoya.accounts.models import Role
from himoya.cases.models import Alert, Appeal, Urgency
from himoya.core.idempotency import new_token
from himoya.core.models import AuditEvent
from himoya.duty import services as duty
from himoya.public_site import spam
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def receiver(org: Any, settings: Any) -> Any:
    settings.HIMOYA_PUBLIC_ORGANISATION = org.slug
    cache.clear()  # the rate limit's counters
    return org


def form(**changes: Any) -> dict[str, Any]:
    data = {
        "kind": "legal",
        "name": "Айгерим (тест)",
        "contact": "+7 700 000 0999, после 18:00",
        "message": "Сына избили в изоляторе (вымышленный пример).",
        "consent_processing": "on",
        "website": "",
        "shown": spam.issue_time_token(time.time() - 30),
        "form_token": new_token(),
    }
    data.update(changes)
    return data


def test_the_form_shows_without_a_cookie(client):
    response = client.get("/ru/help/")
    assert response.status_code == 200
    assert response.cookies == {}
    html = response.content.decode()
    assert 'name="website"' in html and 'name="shown"' in html and 'name="form_token"' in html
    assert "<script" not in html


def test_a_request_creates_one_web_appeal_through_the_service(client, receiver):
    response = client.post("/ru/help/", form())
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.organisation == receiver
    assert appeal.channel.code == "web"
    assert appeal.consent_processing
    assert appeal.urgency == Urgency.NORMAL
    assert "Сына избили" in appeal.content and "+7 700 000 0999" in appeal.content
    assert appeal.applicant.full_name == "Айгерим (тест)"
    # The person is given the case number as a reference.
    page = client.get(response["Location"])
    assert appeal.case.number in page.content.decode()
    assert response.cookies == {} and page.cookies == {}
    # Registered by the web channel, and the visitor's address is not in the audit chain.
    event = AuditEvent.objects.get(action="appeal.register")
    assert event.actor_label == "web:public" and event.ip is None


def test_a_double_submission_creates_one_appeal(client):
    data = form()
    first = client.post("/ru/help/", data)
    second = client.post("/ru/help/", data)
    assert Appeal.objects.count() == 1
    assert second.status_code == 302 and second["Location"] == first["Location"]


def test_without_consent_nothing_is_registered_and_typed_values_stay(client):
    data = form()
    del data["consent_processing"]
    response = client.post("/kk/help/", data)
    assert response.status_code == 400
    assert not Appeal.objects.exists()
    html = response.content.decode()
    assert "Сына избили в изоляторе" in html and "+7 700 000 0999" in html
    assert (
        'value="legal" checked' in html
        or 'checked value="legal"' in html
        or ('value="legal"' in html and "checked" in html)
    )
    assert '<html lang="kk">' in html
    # Then the same form, corrected, goes through.
    assert client.post("/kk/help/", form(form_token=data["form_token"])).status_code == 302
    assert Appeal.objects.count() == 1


def test_missing_fields_are_named_in_the_visitors_language(client):
    response = client.post("/tg/help/", form(contact="", message=""))
    assert response.status_code == 400
    assert not Appeal.objects.exists()
    assert response.content.decode().count('class="error"') == 2


def test_the_honeypot_refuses(client):
    response = client.post("/ru/help/", form(website="http://spam.example"))
    assert response.status_code == 400
    assert not Appeal.objects.exists()


def test_a_form_sent_too_fast_or_too_late_or_forged_is_refused(client):
    for shown in (
        spam.issue_time_token(time.time()),
        spam.issue_time_token(time.time() - 5 * 3600),
        "forged",
    ):
        response = client.post("/ru/help/", form(shown=shown))
        assert response.status_code == 400
        # It comes back with a fresh time token, so a person can simply send it again.
        assert f'value="{shown}"' not in response.content.decode()
    assert not Appeal.objects.exists()


def test_a_flood_from_one_address_is_limited(client, settings):
    settings.HIMOYA_HELP_RATE_LIMIT = "3/10m/key"
    codes = [client.post("/ru/help/", form()).status_code for _ in range(4)]
    assert codes == [302, 302, 302, 429]
    assert Appeal.objects.count() == 3
    # Another address is not blocked by the first one's flood.
    other = client.post("/ru/help/", form(), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_a_cross_site_post_is_refused(client):
    response = client.post("/ru/help/", form(), HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 400
    assert not Appeal.objects.exists()


def test_torture_now_takes_the_urgent_path_and_alerts_the_duty_lawyer(client, org):
    coordinator = UserFactory(organisation=org, role=Role.COORDINATOR, totp=False)
    lawyer = UserFactory(organisation=org, role=Role.LAWYER, totp=False)
    from django.utils import timezone

    now = timezone.now()
    duty.shift_add(
        actor=coordinator,
        organisation=org,
        lawyer=lawyer,
        region=None,
        starts_at=now - timezone.timedelta(hours=1),
        ends_at=now + timezone.timedelta(hours=7),
    )
    assert client.post("/ru/help/", form(kind="torture_now")).status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.urgency == Urgency.EMERGENCY
    alert = Alert.objects.get(kind=Alert.Kind.URGENT_APPEAL)
    assert alert.recipient == lawyer and alert.case == appeal.case


def test_a_site_without_a_receiving_organisation_says_so(client, settings):
    settings.HIMOYA_PUBLIC_ORGANISATION = ""
    response = client.post("/ru/help/", form())
    assert response.status_code == 400
    assert not Appeal.objects.exists()
