"""One-time form tokens: a creating form sent twice creates once (core/idempotency.py)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, transaction
from django.urls import reverse

from himoya.accounts.models import Role
from himoya.cases.models import Appeal, Case, Note
from himoya.core.idempotency import AlreadySubmitted, claim, new_token
from himoya.core.models import FormSubmission
from tests.cases.test_case_views import appeal_post
from tests.conftest import make_client
from tests.factories import UserFactory, open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def lawyer(org: Any) -> Any:
    return UserFactory(organisation=org, role=Role.LAWYER, totp=False)


def test_the_same_appeal_page_sent_twice_opens_one_case(lawyer):
    client = make_client(lawyer)
    data = appeal_post()
    first = client.post(reverse("cases:appeal_new"), data)
    assert first.status_code == 302
    case = Case.objects.get()
    # The Back button shows the same page (the same token); sending it again:
    again = client.post(reverse("cases:appeal_new"), data, follow=True)
    assert again.redirect_chain[0][0] == reverse("cases:detail", args=[case.pk])
    assert Case.objects.count() == 1 and Appeal.objects.count() == 1
    assert "повторно она не создана" in again.content.decode()
    # A new page (a new token) registers a new appeal.
    assert client.post(reverse("cases:appeal_new"), appeal_post()).status_code == 302
    assert Case.objects.count() == 2


def test_a_refused_submission_does_not_spend_its_token(lawyer):
    client = make_client(lawyer)
    data = appeal_post(victim_name="")
    assert client.post(reverse("cases:appeal_new"), data).status_code == 400
    assert not FormSubmission.objects.exists()
    # The corrected page keeps its token and goes through.
    fixed = client.post(reverse("cases:appeal_new"), {**data, "victim_name": "Исправлен Ф."})
    assert fixed.status_code == 302
    assert Case.objects.count() == 1


def test_a_form_without_its_token_creates_nothing(lawyer, org):
    case = open_case(lawyer, org)
    client = make_client(lawyer)
    for token in ("", "short", "x" * 65, "<script>" * 5):
        response = client.post(
            reverse("cases:note_add", args=[case.pk]), {"text": "Звонок", "form_token": token}
        )
        assert response.status_code == 400
        assert "Форма устарела" in response.content.decode()
    assert not Note.objects.filter(case=case).exists()


def test_case_page_forms_repeat_into_their_section(lawyer, org):
    case = open_case(lawyer, org)
    client = make_client(lawyer)
    data = {"text": "Звонок матери", "form_token": new_token()}
    url = reverse("cases:note_add", args=[case.pk])
    assert client.post(url, data)["Location"].endswith("#notes")
    repeated = client.post(url, data)
    assert repeated.status_code == 302
    assert repeated["Location"] == reverse("cases:detail", args=[case.pk]) + "#notes"
    assert Note.objects.filter(case=case).count() == 1


def test_tokens_are_per_user(lawyer, org):
    other = UserFactory(organisation=org, role=Role.LAWYER, totp=False)
    token = new_token()
    with transaction.atomic():
        claim(lawyer, token)
    with transaction.atomic():
        claim(other, token)
    with pytest.raises(AlreadySubmitted), transaction.atomic():
        claim(lawyer, token)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submissions_create_once(org):
    """Two requests with the same token at the same moment: the second waits for the
    first on the unique key, then finds the token spent."""
    user = UserFactory(organisation=org, role=Role.LAWYER, totp=False)
    token = new_token()
    first_claimed = threading.Event()
    outcome: dict[str, Any] = {}

    def second() -> None:
        try:
            first_claimed.wait(10)
            with transaction.atomic():
                claim(user, token)
            outcome["second"] = "created"
        except AlreadySubmitted as exc:
            outcome["second"] = exc.url
        finally:
            connection.close()

    thread = threading.Thread(target=second)
    thread.start()
    with transaction.atomic():
        spent = claim(user, token)
        first_claimed.set()
        thread.join(1)  # the second is blocked on the key meanwhile
        assert thread.is_alive()
        spent.leads_to("/staff/cases/1/")
    thread.join(10)
    assert outcome == {"second": "/staff/cases/1/"}
    assert FormSubmission.objects.filter(user=user).count() == 1


def test_staff_pages_create_once(org, django_capture_on_commit_callbacks):
    from himoya.accounts.models import Team, User
    from himoya.reference.models import Partner

    coordinator = UserFactory(organisation=org, role=Role.COORDINATOR, totp=False)
    client = make_client(coordinator)
    posts = [
        (reverse("staff:team_list"), {"name": "Шымкент"}, lambda: Team.objects.count()),
        (
            reverse("staff:staff_list"),
            {"full_name": "Дана Примерова", "email": "dana@example.invalid", "role": "monitor"},
            lambda: User.objects.count(),
        ),
        (
            reverse("reference:partners"),
            {"name": "Клиника «Пример»", "medical": "on"},
            lambda: Partner.objects.count(),
        ),
    ]
    for url, data, count in posts:
        data["form_token"] = new_token()
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(url, data).status_code == 302
        before = count()
        with django_capture_on_commit_callbacks(execute=True):
            again = client.post(url, data)
        assert again.status_code == 302 and again["Location"] == url
        assert count() == before
