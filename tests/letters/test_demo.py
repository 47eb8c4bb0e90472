"""The demo's letters: every state of the cycle, once however often the demo loads,
dated from today so the overdue one is overdue on the day `make run` shows it."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from himoya.accounts.models import User
from himoya.letters.models import Letter, LetterStatus
from tests.conftest import make_client

pytestmark = pytest.mark.django_db


def test_the_demo_shows_the_whole_cycle_once():
    call_command("demo", "--quiet", stdout=io.StringIO())
    call_command("demo", "--quiet", stdout=io.StringIO())
    today = timezone.localdate()
    kz = Letter.objects.filter(case__organisation__slug="demo-kz")
    assert sorted(kz.values_list("status", flat=True)) == sorted(
        ["sent", "answered", "draft", "signed", "sent"]
    )
    overdue = kz.get(status=LetterStatus.SENT, due_on__lt=today)
    waiting = kz.get(status=LetterStatus.SENT, due_on__gte=today)
    assert waiting.due_on is not None
    assert kz.get(status=LetterStatus.ANSWERED).outcome == "refused"
    tj = Letter.objects.get(case__organisation__slug="demo-tj")
    assert tj.status == LetterStatus.SENT and tj.due_on is None
    assert all(letter.docx and letter.pdf for letter in Letter.objects.all())

    lawyer = User.objects.get(email__startswith="lawyer.demo-kz@")
    page = make_client(lawyer).get("/staff/cases/dashboard/").content.decode()
    assert f'data-letter="{overdue.pk}"' in page and f'data-letter="{waiting.pk}"' not in page
    deadlines = make_client(lawyer).get("/staff/letters/").content.decode()
    assert f'data-letter="{overdue.pk}"' in deadlines and f'data-letter="{waiting.pk}"' in deadlines
    tj_lawyer = User.objects.get(email__startswith="lawyer.demo-tj@")
    row = make_client(tj_lawyer).get("/staff/letters/").content.decode()
    row = row.split(f'data-letter="{tj.pk}"')[1].split("</tr>")[0]
    assert "unverified" in row or "не проверено" in row
