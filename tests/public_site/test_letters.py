"""Self-help letters on the public site: only the templates a coordinator put there, a
form per template that hands back the DOCX or PDF made by the generation cases use,
storing, logging and caching nothing of what was typed; spam refused like the help
form's; no cookie. Putting a template on the site is the coordinator's audited act."""

from __future__ import annotations

import io
import logging
import time
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from docx import Document
from pypdf import PdfReader

from himoya.cases.models import Appeal, Case
from himoya.core.models import AuditEvent
from himoya.letters import selfhelp, services
from himoya.letters.models import Letter, LetterTemplate
from himoya.public_site import spam
from tests.conftest import make_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TYPED = {
    "recipient_name": "Генеральная прокуратура",
    "applicant_name": "Самостоятельная Гүлнар Ержанқызы",
    "victim_name": "Самостоятельный Ерлан",
    "events_date": "12.02.2025",
    "place": "ИВС № 0 (вымышленный)",
    "facts": "Вымышленные обстоятельства: ұрып-соғу; ҷабрдида не настоящий.",
    "country": "KZ",
    "date": "01.03.2025",
}


@pytest.fixture(autouse=True)
def quick(settings: Any) -> None:
    settings.HIMOYA_HELP_MIN_SECONDS = 0
    cache.clear()  # the rate limit's counters


@pytest.fixture
def statement(shipped: Any, coordinator: Any) -> LetterTemplate:
    template = LetterTemplate.objects.get(code="torture-statement-prosecutor", language="ru")
    return selfhelp.template_set_public(actor=coordinator, template=template, public=True)


@pytest.fixture
def shipped(db: Any) -> None:
    from himoya.letters.models import Recipient
    from himoya.letters.shipped import load_shipped

    load_shipped(Recipient, LetterTemplate)


@pytest.fixture
def coordinator(org: Any) -> Any:
    return UserFactory(organisation=org, role="coordinator", totp=False)


def post(**changes: Any) -> dict[str, Any]:
    data = {**TYPED, "file_format": "pdf", "website": "", "shown": spam.issue_time_token()}
    data.update(changes)
    return data


def _pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _counts() -> tuple[int, ...]:
    return (
        Letter.objects.count(),
        AuditEvent.objects.count(),
        Appeal.objects.count(),
        Case.objects.count(),
    )


def test_only_public_templates_are_listed_and_served(client, statement):
    other = LetterTemplate.objects.exclude(pk=statement.pk).first()
    page = client.get("/ru/letters/")
    assert page.status_code == 200 and page.cookies == {}
    html = page.content.decode()
    assert f'data-template="{statement.pk}"' in html
    assert f'data-template="{other.pk}"' not in html
    assert client.get(f"/ru/letters/{other.pk}/").status_code == 404
    form = client.get(f"/kk/letters/{statement.pk}/")
    assert form.status_code == 200 and form.cookies == {}
    html = form.content.decode()
    assert 'name="facts"' in html and 'name="website"' in html and 'name="shown"' in html
    # Nothing from another host, no script.
    assert (
        "<script" not in html
        and 'src="http' not in html
        and "//" not in html.split("<body", 1)[1].replace("://", "")
    )


def test_a_filled_template_comes_back_as_pdf_and_docx_and_nothing_is_kept(
    client, statement, caplog
):
    before = _counts()
    caplog.set_level(logging.DEBUG)
    response = client.post(f"/ru/letters/{statement.pk}/", post())
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert "attachment" in response["Content-Disposition"]
    assert response.cookies == {}
    text = _pdf_text(response.content)
    assert "Самостоятельная Гүлнар Ержанқызы" in text and "ұрып-соғу" in text
    response = client.post(f"/ru/letters/{statement.pk}/", post(file_format="docx"))
    words = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "Самостоятельный Ерлан" in words
    # No row, no audit event, no log line with what was typed.
    assert _counts() == before
    assert not any("Самостоятельн" in r.getMessage() for r in caplog.records)


def test_a_missing_field_is_named_and_what_was_typed_is_kept(client, statement):
    response = client.post(f"/ru/letters/{statement.pk}/", post(facts=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Обстоятельства" in html and 'class="error"' in html
    assert "Самостоятельная Гүлнар Ержанқызы" in html


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"website": "http://spam.example"}, 400),
        ({"shown": "forged"}, 400),
        ({"shown": spam.issue_time_token(time.time() - 10 * 24 * 3600)}, 400),
    ],
)
def test_spam_is_refused(client, statement, changes, status):
    response = client.post(f"/ru/letters/{statement.pk}/", post(**changes))
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    # Shown again with a fresh token and the words kept.
    assert "Самостоятельный Ерлан" in response.content.decode()


def test_too_fast_and_another_site_are_refused(client, statement, settings):
    settings.HIMOYA_HELP_MIN_SECONDS = 3
    assert client.post(f"/ru/letters/{statement.pk}/", post()).status_code == 400
    settings.HIMOYA_HELP_MIN_SECONDS = 0
    response = client.post(
        f"/ru/letters/{statement.pk}/", post(), HTTP_ORIGIN="https://evil.example"
    )
    assert response.status_code == 400


def test_a_flood_is_rate_limited(client, statement, settings):
    settings.HIMOYA_LETTER_RATE_LIMIT = "2/10m/key"
    codes = [client.post(f"/ru/letters/{statement.pk}/", post()).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_coordinators_put_templates_on_the_site_audited_and_others_may_not(
    statement, coordinator, org, shipped
):
    event = AuditEvent.objects.get(action="letter.template.public")
    assert event.data["template"] == statement.pk and event.data["public"] is True
    lawyer = UserFactory(organisation=org, role="lawyer", totp=False)
    with pytest.raises(PermissionDenied):
        selfhelp.template_set_public(actor=lawyer, template=statement, public=False)
    assert (
        make_client(lawyer)
        .post(f"/staff/letters/templates/{statement.pk}/public/", {"public": "0"})
        .status_code
        == 403
    )
    assert LetterTemplate.objects.get(pk=statement.pk).public
    # A newer version is not public until marked: the site keeps offering the marked one.
    newer = services.template_upload(
        actor=coordinator,
        code=statement.code,
        language=statement.language,
        title=statement.title,
        recipient_kinds=statement.kinds,
        fields=statement.fields,
        content=bytes(statement.content),
    )
    assert [t.pk for t in selfhelp.public_templates()] == [statement.pk]
    client = make_client(coordinator)
    page = client.get("/staff/letters/recipients/").content.decode()
    assert f'action="/staff/letters/templates/{newer.pk}/public/"' in page
    response = client.post(f"/staff/letters/templates/{newer.pk}/public/", {"public": "1"})
    assert response.status_code == 302
    assert [t.pk for t in selfhelp.public_templates()] == [newer.pk]
    client.post(f"/staff/letters/templates/{newer.pk}/public/", {"public": "0"})
    assert [t.pk for t in selfhelp.public_templates()] == [statement.pk]
    assert AuditEvent.objects.filter(action="letter.template.public").count() == 3
