"""Letter batches: the same letter for many cases, each under the single letter's rule,
with the failures shown before anything is made."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase

from himoya.accounts.models import Role
from himoya.cases import services as case_services
from himoya.core.models import AuditEvent
from himoya.documentation import services as documentation
from himoya.documentation.models import ConsentKind
from himoya.letters import batches
from himoya.letters.models import Generation, Letter, LetterBatch
from tests.conftest import make_client, run_queued_tasks
from tests.factories import UserFactory, open_case
from tests.letters.test_letters import _consent, _prosecutor, _statement

pytestmark = pytest.mark.django_db

COMMON = {"place": "ИВС № 0 (вымышленный)", "events_date": "01.02.2025"}


def _case(staff, name, *, consent=True, summary="Вымышленные обстоятельства.", country="KZ"):
    case = open_case(
        staff.lawyer,
        victim=case_services.PersonInput(full_name=name),
        summary=summary,
        country=country,
    )
    if consent:
        documentation.consent_record(
            actor=staff.lawyer,
            case=case,
            person=case.parties.get(role="victim").person,
            kind=ConsentKind.SHARING,
            recipients="Прокуратура",
            given_on=case.opened_on,
        )
    return case


def _cases(staff):
    return {
        "ok1": _case(staff, "Первый Вымышленный"),
        "ok2": _case(staff, "Второй Вымышленный"),
        "no_consent": _case(staff, "Без Согласия", consent=False),
        "no_facts": _case(staff, "Без Фактов", summary=""),
        "tj": _case(staff, "Таджикский Вымышленный", country="TJ"),
    }


def test_the_check_says_which_cases_would_fail_and_why(staff, shipped, english):
    cases = _cases(staff)
    checked = {
        c.case.pk: c
        for c in batches.batch_check(list(cases.values()), _prosecutor(), _statement(), COMMON)
    }
    assert checked[cases["ok1"].pk].ok and checked[cases["ok2"].pk].ok
    assert "to share the information" in " ".join(checked[cases["no_consent"].pk].problems)
    assert checked[cases["no_facts"].pk].problems == [
        "These required fields are empty: Обстоятельства."
    ]
    assert "The recipient is in another country." in checked[cases["tj"].pk].problems


def test_a_batch_is_made_whole_with_an_event_per_letter_and_generated(staff, shipped):
    cases = _cases(staff)
    chosen = [cases["ok1"], cases["ok2"], staff.case]
    _consent(staff)
    with TestCase.captureOnCommitCallbacks(execute=True):
        batch = batches.letter_batch_create(
            actor=staff.lawyer,
            recipient=_prosecutor(),
            template=_statement(),
            cases=chosen,
            common={**COMMON, "facts": "Общие вымышленные обстоятельства."},
        )
    letters = list(Letter.objects.filter(batch=batch))
    assert {letter.case_id for letter in letters} == {c.pk for c in chosen}
    assert all(letter.generation == Generation.PENDING for letter in letters)
    assert AuditEvent.objects.filter(action="letter.create").count() == 3
    assert AuditEvent.objects.get(action="letter.batch.create").data["letters"] == 3
    assert batches.batch_progress(batch)["pending"] == 3
    assert run_queued_tasks() == 3
    assert batches.batch_progress(batch) == {"pending": 0, "done": 3, "failed": 0, "total": 3}
    for letter in Letter.objects.filter(batch=batch):
        assert letter.docx and letter.pdf


def test_one_failing_case_refuses_the_whole_batch_naming_it(staff, shipped, english):
    cases = _cases(staff)
    with pytest.raises(ValidationError) as exc:
        batches.letter_batch_create(
            actor=staff.lawyer,
            recipient=_prosecutor(),
            template=_statement(),
            cases=[cases["ok1"], cases["no_facts"]],
            common=COMMON,
        )
    assert exc.value.message_dict["cases"] == [
        f"{cases['no_facts'].number}: These required fields are empty: Обстоятельства."
    ]
    assert not Letter.objects.exists() and not LetterBatch.objects.exists()


def test_a_case_the_author_may_not_edit_refuses_the_batch(staff, shipped, other_org):
    cases = _cases(staff)
    outsider = UserFactory(organisation=other_org, role=Role.LAWYER, totp=False)
    foreign = open_case(outsider, summary="Чужое вымышленное дело.")
    with pytest.raises(PermissionDenied):
        batches.letter_batch_create(
            actor=staff.lawyer,
            recipient=_prosecutor(),
            template=_statement(),
            cases=[cases["ok1"], foreign],
            common=COMMON,
        )
    for who in (staff.doctor, staff.intake, staff.analyst):
        with pytest.raises(PermissionDenied):
            batches.letter_batch_create(
                actor=who,
                recipient=_prosecutor(),
                template=_statement(),
                cases=[cases["ok1"]],
                common=COMMON,
            )
    assert not Letter.objects.exists()


def test_the_batch_pages_from_choosing_to_progress(staff, shipped, english, other_org):
    cases = _cases(staff)
    client = make_client(staff.coordinator)
    base = f"/staff/letters/batches/new/?recipient={_prosecutor().pk}&template={_statement().pk}"
    page = client.get(base, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    body = page.content.decode()
    # Only the recipient's country's cases are offered.
    assert cases["ok1"].number in body and cases["tj"].number not in body
    token = page.context["form"]["form_token"].value()
    chosen = [str(cases["ok1"].pk), str(cases["no_consent"].pk)]
    post = {"form_token": token, "cases": chosen, **COMMON}
    checked = client.post(base, {**post, "check": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    text = checked.content.decode()
    assert "the letter will be made." in text and "will fail:" in text
    refused = client.post(base, {**post, "create": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400 and not LetterBatch.objects.exists()
    with TestCase.captureOnCommitCallbacks(execute=True):
        made = client.post(
            base, {**post, "cases": chosen[:1], "create": "1"}, HTTP_ACCEPT_LANGUAGE="en"
        )
    batch = LetterBatch.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/staff/letters/batches/{batch.pk}/"
    progress = client.get(made["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "0 of 1 letters ready" in progress and "hx-trigger" in progress
    run_queued_tasks()
    status = client.get(f"/staff/letters/batches/{batch.pk}/status/", HTTP_ACCEPT_LANGUAGE="en")
    assert "1 of 1 letters ready, 0 failed." in status.content.decode()
    assert "hx-trigger" not in status.content.decode()

    # Another organisation's coordinator does not find it; roles that write no letters
    # do not get the page.
    stranger = make_client(UserFactory(organisation=other_org, role=Role.COORDINATOR, totp=False))
    assert stranger.get(f"/staff/letters/batches/{batch.pk}/").status_code == 404
    assert stranger.get(f"/staff/letters/batches/{batch.pk}/status/").status_code == 404
    assert cases["ok1"].number not in stranger.get(base).content.decode()
    for who in (staff.doctor, staff.intake):
        assert make_client(who).get(base).status_code == 403
