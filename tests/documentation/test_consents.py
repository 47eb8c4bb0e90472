"""Consents and ``require_consent``: each kind apart, the missing one named, revocation
audited and stopping what depends on it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from himoya.core.models import AuditEvent
from himoya.documentation import services
from himoya.documentation.models import Consent, ConsentKind
from himoya.reference.models import Partner
from tests.documentation.conftest import TODAY

pytestmark = pytest.mark.django_db


def _give(staff, kind, **extra):
    return services.consent_record(
        actor=staff.lawyer,
        case=staff.case,
        person=staff.victim,
        kind=kind,
        given_on=TODAY(),
        **extra,
    )


def test_each_consent_is_separate_and_the_missing_one_is_named(staff, english):
    _give(staff, ConsentKind.INTERVIEW)
    assert services.require_consent(staff.case, ConsentKind.INTERVIEW)
    with pytest.raises(services.ConsentMissing) as exc:
        services.require_consent(staff.case, ConsentKind.PHOTOGRAPHY)
    assert exc.value.kind == ConsentKind.PHOTOGRAPHY
    assert exc.value.messages == ['The consent "to be photographed" is missing or was revoked.']
    with pytest.raises(services.ConsentMissing):
        services.require_consent(staff.victim, ConsentKind.EXAMINATION, case=staff.case)


def test_a_consent_records_who_took_it_and_is_audited(staff):
    consent = _give(staff, ConsentKind.EXAMINATION)
    consent.refresh_from_db()
    assert consent.taken_by == staff.lawyer and consent.given_on == TODAY()
    event = AuditEvent.objects.get(action="consent.give")
    assert event.data["consent"] == consent.pk and event.data["kind"] == "examination"
    assert staff.case.events.filter(kind="consent.give").exists()


def test_revoking_stops_what_depends_on_it_and_is_audited(staff, english):
    consent = _give(staff, ConsentKind.PUBLICATION)
    services.require_consent(staff.case, ConsentKind.PUBLICATION)
    services.consent_revoke(actor=staff.lawyer, consent=consent)
    with pytest.raises(services.ConsentMissing) as exc:
        services.require_consent(staff.case, ConsentKind.PUBLICATION)
    assert "to publish anonymised" in exc.value.messages[0]
    event = AuditEvent.objects.get(action="consent.revoke")
    assert event.data == {
        "case": staff.case.pk,
        "consent": consent.pk,
        "person": staff.victim.pk,
        "kind": "publication",
    }
    assert Consent.objects.get(pk=consent.pk).revoked_by == staff.lawyer
    with pytest.raises(ValidationError):
        services.consent_revoke(actor=staff.lawyer, consent=consent)


def test_sharing_names_its_recipients_and_covers_only_the_partner_named(staff, english):
    with pytest.raises(ValidationError) as exc:
        _give(staff, ConsentKind.SHARING)
    assert "recipients" in exc.value.message_dict
    ombudsman = Partner.objects.create(organisation=staff.case.organisation, name="Центр (тест)")
    other = Partner.objects.create(organisation=staff.case.organisation, name="Клиника (тест)")
    consent = _give(staff, ConsentKind.SHARING, recipients="Прокуратура области (тест)")
    assert Consent.objects.get(pk=consent.pk).recipients == "Прокуратура области (тест)"
    # A consent naming bodies in words does not cover a named partner.
    with pytest.raises(services.ConsentMissing) as missing:
        services.require_consent(staff.case, ConsentKind.SHARING, partner=ombudsman)
    assert "Центр (тест)" in missing.value.messages[0]
    _give(staff, ConsentKind.SHARING, partner=ombudsman)
    services.require_consent(staff.case, ConsentKind.SHARING, partner=ombudsman)
    with pytest.raises(services.ConsentMissing):
        services.require_consent(staff.case, ConsentKind.SHARING, partner=other)


def test_only_a_sharing_consent_names_recipients(staff):
    with pytest.raises(ValidationError) as exc:
        _give(staff, ConsentKind.INTERVIEW, recipients="Кто-то")
    assert "recipients" in exc.value.message_dict


def test_a_consent_is_the_victims_of_this_case(staff, org):
    from tests.factories import open_case

    other_case = open_case(staff.lawyer)
    with pytest.raises(ValidationError) as exc:
        services.consent_record(
            actor=staff.lawyer,
            case=other_case,
            person=staff.victim,
            kind=ConsentKind.INTERVIEW,
            given_on=TODAY(),
        )
    assert "person" in exc.value.message_dict
    _give(staff, ConsentKind.INTERVIEW)
    # Given in one case, a consent does not open another case's work.
    with pytest.raises(services.ConsentMissing):
        services.require_consent(other_case, ConsentKind.INTERVIEW)


@pytest.mark.parametrize("who", ["analyst", "b_coordinator", "outside_doctor", "b_doctor"])
def test_who_may_not_record_or_revoke_a_consent(staff, who):
    consent = _give(staff, ConsentKind.INTERVIEW)
    with pytest.raises(PermissionDenied):
        services.consent_record(
            actor=getattr(staff, who),
            case=staff.case,
            person=staff.victim,
            kind=ConsentKind.EXAMINATION,
            given_on=TODAY(),
        )
    with pytest.raises(PermissionDenied):
        services.consent_revoke(actor=getattr(staff, who), consent=consent)
    assert Consent.objects.get(pk=consent.pk).revoked_at is None


def test_a_consent_cannot_be_dated_in_the_future(staff):
    import datetime as dt

    with pytest.raises(ValidationError) as exc:
        services.consent_record(
            actor=staff.lawyer,
            case=staff.case,
            person=staff.victim,
            kind=ConsentKind.INTERVIEW,
            given_on=TODAY() + dt.timedelta(days=1),
        )
    assert "given_on" in exc.value.message_dict
