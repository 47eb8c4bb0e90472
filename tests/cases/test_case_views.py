"""The case pages through HTTP: forms, filters, pagination, exports, uploads."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from himoya.accounts.models import Role
from himoya.cases import selectors, services
from himoya.cases.models import Alert, Appeal, Case, CaseStatus, Task
from himoya.core.idempotency import new_token
from himoya.core.models import AuditEvent
from himoya.core.searches import query_fingerprint
from himoya.reference import services as reference_services
from himoya.reference.models import Facility, Partner
from tests.conftest import make_client
from tests.factories import TeamFactory, UserFactory, open_case

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n% a fictional scanned letter\n"


@pytest.fixture
def team(org: Any) -> Any:
    return TeamFactory(organisation=org, name="Алматы")


@pytest.fixture
def lawyer(org: Any, team: Any) -> Any:
    user = UserFactory(organisation=org, role=Role.LAWYER, full_name="Юрист Первый", totp=False)
    team.members.add(user)
    return user


@pytest.fixture
def coordinator(org: Any) -> Any:
    return UserFactory(
        organisation=org, role=Role.COORDINATOR, full_name="Координатор Главный", totp=False
    )


@pytest.fixture
def client(lawyer: Any) -> Any:
    return make_client(lawyer)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def new_case(actor: Any, org: Any, **overrides: Any) -> Case:
    overrides.setdefault(
        "victim", services.PersonInput(full_name="Примеров Арман", phone="+7 700 000 1111")
    )
    return open_case(actor, org, **overrides)


def appeal_post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "form_token": new_token(),
        "channel": "phone",
        "received_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "urgency": "urgent",
        "content": "Позвонила мать задержанного (вымышленная история).",
        "consent_processing": "on",
        "consent_representation": "on",
        "victim_name": "Тестбаев Руслан",
        "victim_sex": "male",
        "victim_birth": "1991",
        "victim_phone": "+7 705 123 4567",
        "victim_document": "",
        "applicant_name": "Тестбаева Алия",
        "applicant_relation": "мать",
        "applicant_phone": "+7 705 765 4321",
        "attach_to": "",
        "country": "KZ",
        "region": "",
        "facility": "",
        "agency": "police",
        "violations": ["torture", "threats"],
        "events_from": (timezone.localdate() - dt.timedelta(days=5)).isoformat(),
        "events_to": "",
        "summary": "Избиение при задержании.",
        "team": "",
        "lawyer": "",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- the list


def test_case_list_filters_and_shows_victims(client, lawyer, org):
    torture = new_case(lawyer, org)
    other = new_case(
        lawyer,
        org,
        violations=["detention_conditions"],
        agency="penitentiary",
        victim=services.PersonInput(full_name="Условнов Тимур"),
    )
    services.case_change_status(
        actor=lawyer, case=other, status="in_review", expected_version=other.version
    )
    page = client.get(reverse("cases:list"))
    assert page.status_code == 200
    body = page.content.decode()
    assert torture.number in body and other.number in body
    assert "Примеров Арман" in body
    only = client.get(reverse("cases:list"), {"status": "in_review"}).content.decode()
    assert other.number in only and torture.number not in only
    only = client.get(reverse("cases:list"), {"violation": "torture"}).content.decode()
    assert torture.number in only and other.number not in only
    only = client.get(reverse("cases:list"), {"agency": "penitentiary"}).content.decode()
    assert other.number in only and torture.number not in only
    # which cases were on the screen is in the audit chain
    event = AuditEvent.objects.filter(action="case.list").latest("seq")
    assert event.data["cases"] == [other.pk]
    assert event.data["filters"] == {"agency": "penitentiary"}


def test_case_list_overdue_and_dates(client, lawyer, org):
    late = new_case(lawyer, org)
    early = new_case(lawyer, org, received_on=timezone.localdate() - dt.timedelta(days=400))
    services.task_add(
        actor=lawyer, case=late, title="Просрочено", due_on=timezone.localdate() - dt.timedelta(2)
    )
    body = client.get(reverse("cases:list"), {"overdue": "on"}).content.decode()
    assert late.number in body and early.number not in body
    since = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    body = client.get(reverse("cases:list"), {"opened_from": since}).content.decode()
    assert late.number in body and early.number not in body
    bad = client.get(reverse("cases:list"), {"opened_from": "yesterday", "status": "nonsense"})
    assert bad.status_code == 200  # bad filters are shown as errors, the rest applies
    assert late.number in bad.content.decode()


def test_case_list_paginates_sorts_and_answers_htmx_with_the_results(client, lawyer, org):
    today = timezone.localdate()
    numbers = [
        new_case(lawyer, org, received_on=today - dt.timedelta(days=i)).number for i in range(52)
    ]
    first = client.get(reverse("cases:list")).content.decode()
    assert numbers[0] in first and numbers[49] in first and numbers[50] not in first
    second = client.get(reverse("cases:list"), {"page": 2}).content.decode()
    assert numbers[50] in second and numbers[0] not in second
    oldest = client.get(reverse("cases:list"), {"sort": "opened"}).content.decode()
    assert oldest.index(numbers[51]) < oldest.index(numbers[40])
    partial = client.get(
        reverse("cases:list"),
        {"status": "new"},
        headers={"HX-Request": "true", "HX-Target": "case-results"},
    )
    text = partial.content.decode()
    assert 'id="case-results"' in text and "<html" not in text


def test_case_list_counts_up_to_a_cap_and_its_pages_end_there(lawyer, org, english):
    today = timezone.localdate()
    numbers = [
        new_case(lawyer, org, received_on=today - dt.timedelta(days=i)).number for i in range(7)
    ]
    everything = selectors.CaseFilters()
    page = selectors.case_list_page(lawyer, everything, number=1, per_page=2, list_cap=5)
    assert page.paginator.capped and page.paginator.count == 5
    assert page.paginator.num_pages == 3
    assert [case.number for case in page.object_list] == numbers[:2]
    # past the cap there are no pages: the last one ends at the cap
    last = selectors.case_list_page(lawyer, everything, number=9, per_page=2, list_cap=5)
    assert last.number == 3 and [case.number for case in last.object_list] == numbers[4:5]
    oldest = selectors.case_list_page(
        lawyer, everything, number=1, per_page=2, list_cap=5, oldest_first=True
    )
    assert [case.number for case in oldest.object_list] == numbers[:-3:-1]
    exact = selectors.case_list_page(lawyer, everything, number=1, per_page=2, list_cap=7)
    assert not exact.paginator.capped and exact.paginator.count == 7
    html = render_to_string("cases/_results.html", {"page": page, "form": None, "sort": ""})
    assert "More than 5 cases" in html and "Page 1 of 3" in html
    html = render_to_string("cases/_results.html", {"page": exact, "form": None, "sort": ""})
    assert "7 cases" in html and "More than" not in html


def test_case_list_rows_show_victims_violations_and_overdue_tasks(client, lawyer, org):
    case = new_case(
        lawyer,
        org,
        violations=["torture", "threats"],
        victim=services.PersonInput(full_name="Строкова Айгерим"),
    )
    services.task_add(
        actor=lawyer, case=case, title="Просрочено", due_on=timezone.localdate() - dt.timedelta(1)
    )
    other = new_case(lawyer, org, violations=[], victim=None)
    page = selectors.case_list_page(lawyer, selectors.CaseFilters(), number=1)
    rows = {row.number: row for row in page.object_list}
    assert rows[case.number].victim_names == ["Строкова Айгерим"]
    assert len(rows[case.number].violation_labels) == 2 and rows[case.number].has_overdue
    assert rows[other.number].victim_names == [] and not rows[other.number].has_overdue
    body = client.get(reverse("cases:list")).content.decode()
    assert "Строкова Айгерим" in body


def test_case_list_search_ranks_names_first_and_keeps_the_filters(client, lawyer, org):
    today = timezone.localdate()
    named = new_case(
        lawyer,
        org,
        received_on=today - dt.timedelta(days=20),
        victim=services.PersonInput(full_name="Искомова Бахыт"),
    )
    mentioned = new_case(lawyer, org, summary="Соседка Искомова видела задержание.")
    closed = new_case(lawyer, org, content="Искомову угрожали в отделе.")
    services.case_change_status(
        actor=lawyer,
        case=closed,
        status="closed",
        outcome="registration_refused",
        expected_version=1,
    )
    unrelated = new_case(lawyer, org, summary="Другая история.")
    english = {"Accept-Language": "en"}
    body = client.post(
        reverse("cases:list"), {"q": "Искомова", "sort": "opened"}, headers=english, follow=True
    ).content.decode()
    assert named.number in body and mentioned.number in body and closed.number in body
    assert unrelated.number not in body
    # a match in the names comes first, although that case is the oldest
    assert body.index(named.number) < body.index(mentioned.number)
    assert "3 cases" in body and "Best matches first." in body
    only = client.post(reverse("cases:list"), {"q": "Искомова", "status": "closed"}, follow=True)
    text = only.content.decode()
    assert closed.number in text and named.number not in text and mentioned.number not in text
    event = AuditEvent.objects.filter(action="case.list").latest("seq")
    assert event.data["cases"] == [closed.pk]
    assert event.data["filters"] == {
        "status": "closed",
        "text_query": query_fingerprint(org.pk, "Искомова"),
    }
    # at most the best ``search_results`` matches, and the list says there are more
    capped = selectors.case_list_page(
        lawyer, selectors.CaseFilters(q="Искомова"), number=1, search_results=2
    )
    assert capped.paginator.capped and capped.paginator.count == 2
    assert capped.object_list[0].pk == named.pk


def test_export_csv_and_xlsx_hold_the_filtered_list(client, lawyer, org):
    case = new_case(lawyer, org, victim=services.PersonInput(full_name='=HYPERLINK("http://x")'))
    closed = new_case(lawyer, org, violations=["threats"])
    services.case_change_status(
        actor=lawyer,
        case=closed,
        status="closed",
        outcome="registration_refused",
        expected_version=1,
    )
    response = client.get(reverse("cases:export", args=["csv"]), {"status": "new"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="cases-')
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][0] == case.number
    # a formula typed as a name stays text
    assert '\'=HYPERLINK("http://x")' in rows[1]
    event = AuditEvent.objects.filter(action="case.export").latest("seq")
    assert event.data == {
        "format": "csv",
        "filters": {"status": "new"},
        "rows": 1,
        "cases": [case.pk],
    }

    response = client.get(reverse("cases:export", args=["xlsx"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    values = list(book.active.values)
    assert len(values) == 3
    assert {values[1][0], values[2][0]} == {case.number, closed.number}
    # every cell is text or a date, none a formula
    assert {c.data_type for row in book.active.iter_rows() for c in row if c.value} == {"s", "d"}
    assert client.get("/staff/cases/export/pdf/").status_code == 404


# ---------------------------------------------------------------- registering an appeal


def test_register_an_appeal_opens_a_case(client, lawyer):
    assert client.get(reverse("cases:appeal_new")).status_code == 200
    response = client.post(reverse("cases:appeal_new"), appeal_post(lawyer=lawyer.pk))
    assert response.status_code == 302
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    roles = [(p.role, p.person.full_name) for p in case.parties.select_related("person")]
    assert ("victim", "Тестбаев Руслан") in roles
    assert case.parties.get(role="relative").relation == "мать"
    appeal = case.appeals.get()
    assert appeal.urgency == "urgent" and appeal.consent_representation
    assert case.lawyer == lawyer
    page = client.get(response["Location"])
    assert "Тестбаев Руслан" in page.content.decode()


def test_appeal_form_checks_csrf_and_the_right_to_register(lawyer, org):
    client = make_client(lawyer)
    client.handler.enforce_csrf_checks = True
    assert client.post(reverse("cases:appeal_new"), appeal_post()).status_code == 403
    assert Case.objects.count() == 0
    analyst = make_client(UserFactory(organisation=org, role=Role.ANALYST))
    assert analyst.get(reverse("cases:appeal_new")).status_code == 403
    refused = analyst.post(
        reverse("cases:appeal_new"),
        appeal_post(attachment=SimpleUploadedFile("a.pdf", PDF)),
    )
    assert refused.status_code == 403


def test_appeal_errors_are_shown_on_the_form(client):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("cases:appeal_new"),
        appeal_post(consent_processing="", received_on=tomorrow),
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "consent_processing" in form.errors and "received_on" in form.errors
    response = client.post(
        reverse("cases:appeal_new"), appeal_post(victim_birth="1970-01-01", victim_is_minor="on")
    )
    assert response.status_code == 400
    assert "victim_is_minor" in response.context["form"].errors
    response = client.post(reverse("cases:appeal_new"), appeal_post(victim_name=""))
    assert response.status_code == 400
    # Russian by default: Django's own messages come translated
    assert response["Content-Language"] == "ru"
    assert "Обязательное поле." in response.content.decode()
    assert Case.objects.count() == 0


def test_attach_an_appeal_to_a_case_the_user_may_edit(client, lawyer, coordinator, org):
    mine = new_case(lawyer, org)
    hidden = new_case(coordinator, org)  # not the lawyer's: no team, no lawyer
    refused = client.post(reverse("cases:appeal_new"), appeal_post(attach_to=hidden.number))
    assert refused.status_code == 400
    assert "attach_to" in refused.context["form"].errors
    assert hidden.appeals.count() == 1
    ok = client.post(reverse("cases:appeal_new"), appeal_post(attach_to=mine.number.lower()))
    assert ok.status_code == 302
    assert mine.appeals.count() == 2
    assert Case.objects.count() == 2


def test_scanned_letter_upload_and_download(client, lawyer, media):
    data = appeal_post(attachment=SimpleUploadedFile("Тестбаев жалоба.pdf", PDF))
    assert client.post(reverse("cases:appeal_new"), data).status_code == 302
    appeal = Appeal.objects.get()
    # stored under a random name, encrypted
    assert "Тестбаев" not in appeal.attachment.name
    stored = next(p for p in media.rglob("*") if p.is_file())
    assert PDF not in stored.read_bytes()
    url = reverse("cases:appeal_letter", args=[appeal.case_id, appeal.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(action="appeal.download", object_id=str(appeal.pk)).exists()


def test_upload_over_the_limit_is_refused_before_storage(client, settings, media):
    settings.HIMOYA_MAX_UPLOAD_BYTES = 2048
    big = PDF + b"0" * 4096
    response = client.post(
        reverse("cases:appeal_new"), appeal_post(attachment=SimpleUploadedFile("a.pdf", big))
    )
    assert response.status_code == 413
    assert "attachment" in response.context["form"].errors
    assert Appeal.objects.count() == 0
    assert not [p for p in media.rglob("*") if p.is_file()]
    # the other fields came through and are kept on the form
    assert response.context["form"]["victim_name"].value() == "Тестбаев Руслан"
    # Far over: refused before a byte of the file is read, and still nothing typed is lost
    # (the browser sends the CSRF token first, as the form's first field).
    huge = PDF + b"0" * 200_000
    response = client.post(
        reverse("cases:appeal_new"),
        appeal_post(csrfmiddlewaretoken="t" * 32, attachment=SimpleUploadedFile("b.pdf", huge)),
    )
    assert response.status_code == 413
    assert "attachment" in response.context["form"].errors
    assert response.context["form"]["victim_name"].value() == "Тестбаев Руслан"
    assert response.context["form"]["summary"].value() == "Избиение при задержании."
    assert Appeal.objects.count() == 0
    assert not [p for p in media.rglob("*") if p.is_file()]


def test_upload_that_is_not_a_letter_is_refused(client):
    page = b"<html><script>alert(1)</script></html>"
    response = client.post(
        reverse("cases:appeal_new"),
        appeal_post(attachment=SimpleUploadedFile("letter.pdf", page, "application/pdf")),
    )
    assert response.status_code == 400
    assert "attachment" in response.context["form"].errors
    assert Appeal.objects.count() == 0


def test_duplicate_hints_name_the_visible_cases(client, lawyer, org):
    case = new_case(lawyer, org)
    response = client.post(
        reverse("cases:duplicates"), {"victim_phone": "8 (700) 000-11-11", "victim_name": ""}
    )
    body = response.content.decode()
    assert case.number in body
    assert "phone number already appears" in body or "номер" in body
    assert AuditEvent.objects.get(action="person.duplicates").data == {
        "fields": ["victim_phone"],
        "cases": [case.pk],
    }
    nothing = client.post(reverse("cases:duplicates"), {"victim_name": "Никто Никогда"})
    assert nothing.content.decode().strip() == ""
    assert client.get(reverse("cases:duplicates")).status_code == 405


# ---------------------------------------------------------------- the case page


def test_case_page_and_status_workflow(client, lawyer, org):
    case = new_case(lawyer, org)
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'value="in_review"' in body and 'value="awaiting_answer"' not in body
    url = reverse("cases:status", args=[case.pk])
    assert client.post(url, {"status": "in_review", "version": case.version}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    # closing without an outcome
    response = client.post(url, {"status": "closed", "version": case.version, "outcome": ""})
    assert response.status_code == 400
    assert response.context["close_form"].errors["outcome"]
    # a stale version names who changed the case
    response = client.post(url, {"status": "in_progress", "version": 1}, follow=True)
    assert "Юрист Первый" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    # Kazakhstan's procedure has no "criminal case opened": the form does not offer it
    # and the service refuses it; the outcomes offered are Kazakhstan's.
    close_form = client.get(reverse("cases:detail", args=[case.pk])).context["close_form"]
    offered = [code for code, _label in close_form.fields["outcome"].choices]
    assert "investigation_started" in offered and "criminal_case_opened" not in offered
    response = client.post(
        url, {"status": "closed", "version": case.version, "outcome": "criminal_case_opened"}
    )
    assert response.status_code == 400
    response = client.post(
        url, {"status": "closed", "version": case.version, "outcome": "investigation_started"}
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.outcome.code == "investigation_started"
    timeline = client.get(reverse("cases:detail", args=[case.pk])).context["timeline"]
    assert "досудебное расследование" in timeline[0]["text"]


def test_editing_facts_detects_a_concurrent_edit(client, lawyer, coordinator, org):
    case = new_case(lawyer, org)
    url = reverse("cases:edit", args=[case.pk])
    form = client.get(url).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    services.case_update(
        actor=coordinator,
        case=Case.objects.get(pk=case.pk),
        changes=services.CaseChanges(summary="Правка координатора"),
        expected_version=case.version,
    )
    response = client.post(url, {**data, "summary": "Моя правка"})
    assert response.status_code == 400
    assert "Координатор Главный" in response.content.decode()
    case.refresh_from_db()
    assert case.summary == "Правка координатора"
    data["version"] = case.version
    assert client.post(url, {**data, "summary": "Моя правка"}).status_code == 302
    case.refresh_from_db()
    assert case.summary == "Моя правка"


def test_tasks_notes_hearings_referrals_custody(client, lawyer, coordinator, org):
    case = new_case(lawyer, org)
    person = case.parties.get().person
    partner = reference_services.partner_create(
        actor=coordinator, organisation=org, name="Центр «Пример»", psychological=True
    )
    today = timezone.localdate()
    r = client.post(
        reverse("cases:task_add", args=[case.pk]),
        {
            "form_token": new_token(),
            "title": "Написать жалобу",
            "due_on": today.isoformat(),
            "remind_on": "",
        },
    )
    assert r.status_code == 302
    task = Task.objects.get()
    assert task.assignee == lawyer
    assert client.post(reverse("cases:task_done", args=[case.pk, task.pk])).status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None
    assert (
        client.post(
            reverse("cases:note_add", args=[case.pk]), {"form_token": new_token(), "text": ""}
        ).status_code
        == 400
    )
    assert (
        client.post(
            reverse("cases:note_add", args=[case.pk]), {"form_token": new_token(), "text": "Звонок"}
        ).status_code
        == 302
    )
    r = client.post(
        reverse("cases:hearing_add", args=[case.pk]),
        {
            "form_token": new_token(),
            "court": "Районный суд",
            "starts_at": f"{today.isoformat()}T10:30",
            "attendees": [lawyer.pk],
        },
    )
    assert r.status_code == 302
    assert list(case.hearings.get().attendees.all()) == [lawyer]
    r = client.post(
        reverse("cases:referral_add", args=[case.pk]),
        {
            "form_token": new_token(),
            "person": person.pk,
            "kind": "psychological",
            "partner": partner.pk,
            "started_on": "",
        },
    )
    assert r.status_code == 302
    referral = case.referrals.get()
    r = client.post(
        reverse("cases:referral_close", args=[case.pk, referral.pk]),
        {"ended_on": (today + dt.timedelta(days=3)).isoformat(), "outcome": ""},
    )
    assert r.status_code == 400  # a future end
    first = Facility.objects.create(country="KZ", name="ИВС (тест)")
    second = Facility.objects.create(country="KZ", name="Колония (тест)")
    for place, since in ((first, today - dt.timedelta(days=9)), (second, today)):
        r = client.post(
            reverse("cases:custody_add", args=[case.pk]),
            {
                "form_token": new_token(),
                "person": person.pk,
                "facility": place.pk,
                "since": since.isoformat(),
                "note": "",
            },
        )
        assert r.status_code == 302
    alert = Alert.objects.get(kind="transfer")
    assert alert.recipient == lawyer
    dashboard = client.get(reverse("cases:dashboard"), headers={"HX-Request": "true"})
    assert "Колония (тест)" in dashboard.content.decode()
    assert case.number in dashboard.content.decode()
    r = client.post(reverse("cases:alert_read", args=[alert.pk]))
    assert r.status_code == 302
    alert.refresh_from_db()
    assert alert.read_at is not None
    page = client.get(reverse("cases:detail", args=[case.pk]))
    texts = " ".join(e["text"] for e in page.context["timeline"])
    assert "Написать жалобу" in texts and "Колония (тест)" in texts


def test_coordinator_assigns_and_shares(coordinator, lawyer, org, other_org, team):
    case = new_case(lawyer, org)
    client = make_client(coordinator)
    other_lawyer = UserFactory(organisation=org, role=Role.LAWYER, full_name="Юрист Второй")
    r = client.post(
        reverse("cases:assign", args=[case.pk]),
        {"lawyer": other_lawyer.pk, "team": team.pk, "version": case.version},
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.lawyer == other_lawyer
    # Whoever receives the share in the other organisation (share_recipients).
    UserFactory(organisation=other_org, role=Role.COORDINATOR, totp=False)
    r = client.post(
        reverse("cases:share", args=[case.pk]),
        {"form_token": new_token(), "organisation": other_org.pk},
    )
    assert r.status_code == 302
    share = case.shares.get()
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert other_org.name in page
    r = client.post(reverse("cases:unshare", args=[case.pk, share.pk]))
    assert r.status_code == 302
    assert not case.shares.exists()


# ---------------------------------------------------------------- registries, dashboard, admin


def test_facility_registry(client, lawyer):
    Facility.objects.create(country="TJ", name="СИЗО Душанбе (тест)")
    response = client.post(
        reverse("reference:facilities"),
        {
            "name": "ИВС Талгар (тест)",
            "country": "KZ",
            "type": "ivs",
            "agency": "police",
            "form_token": new_token(),
        },
    )
    assert response.status_code == 302
    assert Facility.objects.get(name="ИВС Талгар (тест)").type.code == "ivs"
    body = client.get(reverse("reference:facilities"), {"country": "KZ"}).content.decode()
    assert "ИВС Талгар (тест)" in body and "СИЗО Душанбе" not in body
    body = client.get(reverse("reference:facilities"), {"type": "ivs"}).content.decode()
    assert "ИВС Талгар (тест)" in body
    dup = client.post(
        reverse("reference:facilities"),
        {"name": "ивс талгар (тест)", "country": "KZ", "form_token": new_token()},
    )
    assert dup.status_code == 400


def test_partner_registry(coordinator, org):
    client = make_client(coordinator)
    assert (
        client.post(
            reverse("reference:partners"), {"name": "Без услуг", "form_token": new_token()}
        ).status_code
        == 400
    )
    r = client.post(
        reverse("reference:partners"),
        {"name": "Клиника «Пример»", "medical": "on", "form_token": new_token()},
    )
    assert r.status_code == 302
    assert Partner.objects.get().organisation == org
    assert "Клиника «Пример»" in client.get(reverse("reference:partners")).content.decode()


def test_home_loads_the_case_dashboard(client, lawyer, org):
    case = new_case(lawyer, org)
    home = client.get(reverse("staff:home")).content.decode()
    assert reverse("cases:dashboard") in home
    page = client.get(reverse("cases:dashboard"))
    assert page.status_code == 200 and case.number in page.content.decode()


def test_a_closed_case_has_no_overdue_work(client, lawyer, org):
    """A task left open by a closing that did not ask about it (before closing listed
    the open work) no longer marks the case overdue, in the list, its filter, the case
    page or the dashboard. (Tasks kept open on closing: tests/cases/test_closing.py.)"""
    case = new_case(lawyer, org)
    services.task_add(
        actor=lawyer,
        case=case,
        title="Просрочено",
        due_on=timezone.localdate() - dt.timedelta(1),
        assignee=lawyer,
    )
    assert case.number in client.get(reverse("cases:list"), {"overdue": "on"}).content.decode()
    Case.objects.filter(pk=case.pk).update(status="closed", closed_on=timezone.localdate())
    assert case.number not in client.get(reverse("cases:list"), {"overdue": "on"}).content.decode()
    [row] = selectors.case_list_page(lawyer, selectors.CaseFilters(), number=1).object_list
    assert not row.has_overdue
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "badge danger" not in detail
    dashboard = client.get(reverse("cases:dashboard")).content.decode()
    assert "Просрочено" not in dashboard
