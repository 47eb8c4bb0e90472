"""The case lawyer records that a domestic remedy was ineffective, unavailable or
unreasonably prolonged (which, since when, why; audited, reason sealed), and the
escalation route answers the admissibility of a UN communication from it, saying why in
plain words. Nobody else records or withdraws one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from himoya.accounts.models import Role
from himoya.core.models import AuditEvent
from himoya.letters import remedies
from himoya.letters.models import IneffectiveRemedy
from himoya.letters.route import CHECK, NO, YES
from tests.conftest import make_client
from tests.factories import UserFactory
from tests.letters.test_route import _answer, _final_appeal_decision, _refused_by_prosecutor, _route

pytestmark = pytest.mark.django_db

REASON = "Прокуратура трижды отказала без проверки (вымышлено); жалоба в суд не рассмотрена год."


def _case_lawyer(staff):
    staff.case.lawyer = staff.lawyer
    staff.case.save(update_fields=["lawyer"])


def _record(staff, fault="ineffective", remedy="prosecutor", since=dt.date(2025, 4, 1)):
    return remedies.remedy_record(
        actor=staff.lawyer, case=staff.case, remedy=remedy, fault=fault, reason=REASON, since=since
    )


def test_an_ineffective_prosecutor_opens_cat_and_leaves_hrc_to_check(staff, shipped):
    _case_lawyer(staff)
    _refused_by_prosecutor(staff)
    before = _route(staff.case)
    assert _answer(before, "cat").answer == NO
    finding = _record(staff)
    route = _route(staff.case)
    cat, hrc = _answer(route, "cat"), _answer(route, "hrc")
    # CAT art. 22(5)(b) names "unlikely to bring effective relief": admissible, with why.
    assert cat.answer == YES
    assert any("need not be exhausted" in r and REASON in r for r in cat.reasons)
    assert any("CAT art. 22(5)(b)" in s for s in cat.sources)
    assert any(REASON in f and "recorded by" in f for f in cat.facts)
    # OP1 art. 5(2)(b) names only "unreasonably prolonged": a lawyer decides.
    assert hrc.answer == CHECK
    assert any("does not name" in r for r in hrc.reasons)
    assert any("Check the date it runs from" in r for r in hrc.reasons)
    # The prosecutor's step shows the finding beside its letter.
    step = next(s for s in route.steps if s.step.code == "prosecutor")
    assert any(REASON in f for f in step.facts)
    # Withdrawn, the route is as before; the row stays.
    remedies.remedy_withdraw(actor=staff.lawyer, finding=finding)
    assert _answer(_route(staff.case), "cat").answer == NO
    assert IneffectiveRemedy.objects.filter(pk=finding.pk, withdrawn_at__isnull=False).exists()


def test_a_prolonged_remedy_is_named_by_both_committees(staff, shipped):
    _case_lawyer(staff)
    _record(staff, fault="prolonged", remedy="court", since=dt.date(2024, 1, 10))
    route = _route(staff.case)
    assert _answer(route, "cat").answer == YES
    hrc = _answer(route, "hrc")
    # No date of exhaustion to count the 5 years from: counted from the finding, checked.
    assert hrc.answer == CHECK and any("need not be exhausted" in r for r in hrc.reasons)
    assert any("ends on" in r and "2029" in r for r in hrc.reasons)
    late = _route(staff.case, today=dt.date(2029, 2, 1))
    assert any("that limit has passed" in r for r in _answer(late, "hrc").reasons)


def test_with_a_final_decision_a_finding_is_a_fact_and_changes_nothing(staff, shipped):
    _case_lawyer(staff)
    _final_appeal_decision(staff, dt.date(2025, 5, 5))
    _record(staff)
    cat = _answer(_route(staff.case), "cat")
    assert cat.answer == YES and any(REASON in f for f in cat.facts)


def test_the_finding_is_audited_without_its_reason_and_sealed(staff, shipped):
    _case_lawyer(staff)
    finding = _record(staff)
    event = AuditEvent.objects.get(action="letter.remedy.record")
    assert event.data["finding"] == finding.pk and event.data["fault"] == "ineffective"
    assert REASON not in str(event.data)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM letters_ineffectiveremedy WHERE id = %s", [finding.pk])
        assert cursor.fetchone()[0].startswith("hm2:")
    remedies.remedy_withdraw(actor=staff.lawyer, finding=finding)
    assert AuditEvent.objects.filter(action="letter.remedy.withdraw").count() == 1
    with pytest.raises(ValidationError):
        remedies.remedy_withdraw(actor=staff.lawyer, finding=finding)


def test_bad_input_is_named(staff, shipped, english):
    _case_lawyer(staff)
    with pytest.raises(ValidationError) as exc:
        remedies.remedy_record(
            actor=staff.lawyer,
            case=staff.case,
            remedy="tell",
            fault="bad",
            reason="  ",
            since=dt.date(2025, 4, 1),
        )
    assert set(exc.value.message_dict) == {"remedy", "fault", "reason"}
    with pytest.raises(ValidationError) as exc:
        _record(staff, since=dt.date.today() + dt.timedelta(days=2))  # noqa: DTZ011
    assert "since" in exc.value.message_dict
    assert not IneffectiveRemedy.objects.exists()


def test_only_the_case_lawyer_records_or_withdraws(staff, shipped):
    _case_lawyer(staff)
    another_lawyer = UserFactory(organisation=staff.case.organisation, role=Role.LAWYER, totp=False)
    another_lawyer.teams.add(*staff.lawyer.teams.all())
    for user in (
        another_lawyer,
        staff.coordinator,
        staff.monitor,
        staff.doctor,
        staff.b_coordinator,
    ):
        with pytest.raises(PermissionDenied):
            remedies.remedy_record(
                actor=user,
                case=staff.case,
                remedy="prosecutor",
                fault="ineffective",
                reason=REASON,
                since=dt.date(2025, 4, 1),
            )
    finding = _record(staff)
    for user in (another_lawyer, staff.coordinator):
        with pytest.raises(PermissionDenied):
            remedies.remedy_withdraw(actor=user, finding=finding)
    # A case without a lawyer: nobody records.
    staff.case.lawyer = None
    staff.case.save(update_fields=["lawyer"])
    with pytest.raises(PermissionDenied):
        _record(staff)


def test_the_panel_form_records_and_withdraws_and_refuses_others(staff, shipped):
    _case_lawyer(staff)
    url = f"/staff/letters/case/{staff.case.pk}/remedies/"
    page = make_client(staff.lawyer).get(f"/staff/cases/{staff.case.pk}/").content.decode()
    assert 'class="form remedy-form"' in page
    other_page = make_client(staff.coordinator).get(f"/staff/cases/{staff.case.pk}/")
    assert 'class="form remedy-form"' not in other_page.content.decode()
    data = {"remedy": "ombudsman", "fault": "unavailable", "since": "2025-04-01", "reason": REASON}
    lawyer = make_client(staff.lawyer)
    form_page = lawyer.get(f"/staff/cases/{staff.case.pk}/").content.decode()
    token = form_page.split('name="form_token" value="')[1].split('"')[0]
    response = lawyer.post(url, {**data, "form_token": token})
    assert response.status_code == 302 and response["Location"].endswith("#route")
    finding = IneffectiveRemedy.objects.get()
    assert (finding.remedy, finding.fault, finding.reason) == ("ombudsman", "unavailable", REASON)
    page = lawyer.get(f"/staff/cases/{staff.case.pk}/").content.decode()
    assert f'data-finding="{finding.pk}"' in page
    # Without a reason: shown again, the error at its field, nothing stored.
    again = lawyer.get(f"/staff/cases/{staff.case.pk}/").content.decode()
    token = again.split('name="form_token" value="')[1].split('"')[0]
    assert lawyer.post(url, {**data, "reason": "", "form_token": token}).status_code == 400
    assert IneffectiveRemedy.objects.count() == 1
    # Others: 403 for readers of the case, 404 for another organisation, nothing stored.
    withdraw = f"/staff/letters/case/{staff.case.pk}/remedies/{finding.pk}/withdraw/"
    assert make_client(staff.coordinator).post(url, data).status_code == 403
    assert make_client(staff.coordinator).post(withdraw).status_code == 403
    assert make_client(staff.b_coordinator).post(url, data).status_code == 404
    assert make_client(staff.b_coordinator).post(withdraw).status_code == 404
    assert IneffectiveRemedy.objects.count() == 1
    assert lawyer.post(withdraw).status_code == 302
    assert IneffectiveRemedy.objects.get().withdrawn_at is not None
    assert (
        f'data-finding="{finding.pk}"'
        not in lawyer.get(f"/staff/cases/{staff.case.pk}/").content.decode()
    )
