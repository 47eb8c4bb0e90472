"""The templates the app ships (himoya/letters/shipped.py): each passes the sandbox's
upload check, asks for exactly the fields its text uses, is written for recipients that
exist and in every language they take, and renders from a case's prefilled data."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from docx import Document

from himoya.accounts.models import Role
from himoya.cases import services as case_services
from himoya.letters import rendering, services
from himoya.letters.models import LetterTemplate, Recipient, RecipientKind
from himoya.letters.shipped import FIXTURES, RECIPIENTS, TEMPLATES
from tests.factories import UserFactory, open_case

# The letters of the Kazakh and Tajik alphabets that Russian lacks.
KAZAKH = set("әғқңөұүһі")
TAJIK = set("ғӣқӯҳҷ")
# The languages the app writes letters in (domain.md: ru, kk, tg, en for letters).
WRITTEN = {"ru", "kk", "tg", "en"}


def _id(row: dict) -> str:
    return str(row["file"])


def _static(content: bytes) -> str:
    """The template's own words, without its Jinja tags and placeholders."""
    return re.sub(r"{%.*?%}|{{.*?}}", " ", rendering.template_text(content))


def _recipients(row: dict) -> list[dict]:
    kinds = row["recipient_kinds"].split(",")
    return [r for r in RECIPIENTS if r["kind"] in kinds]


@pytest.mark.parametrize("row", TEMPLATES, ids=_id)
def test_a_shipped_template_is_sound(row):
    content = (FIXTURES / row["file"]).read_bytes()
    fields = rendering.parse_fields(row["fields"])
    rendering.check_template(content, fields)
    source = rendering.template_text(content)
    used = set(re.findall(r"{{\s*(\w+)", source)) | set(re.findall(r"{%\s*(?:el)?if (\w+)", source))
    assert used == {f.name for f in fields}
    assert row["file"] == f"{row['code']}.{row['language']}.docx"
    kinds = row["recipient_kinds"].split(",")
    assert kinds and set(kinds) <= set(RecipientKind.values)
    takers = [r for r in _recipients(row) if row["language"] in r["languages"].split(",")]
    assert takers, "no shipped recipient takes this template's language"
    static = set(_static(content))
    if row["language"] == "kk":
        assert static & (KAZAKH - TAJIK), "a Kazakh template written without Kazakh letters"
        assert {r["country"] for r in takers} == {"KZ"}
    if row["language"] == "tg":
        assert static & (TAJIK - KAZAKH), "a Tajik template written without Tajik letters"
        assert {r["country"] for r in takers} == {"TJ"}
    assert row["source"].strip()


def test_every_template_is_written_in_every_language_its_recipients_take():
    shipped = {(row["code"], row["language"]) for row in TEMPLATES}
    for row in TEMPLATES:
        for recipient in _recipients(row):
            for language in set(recipient["languages"].split(",")) & WRITTEN:
                assert (row["code"], language) in shipped, (row["code"], recipient["name"])
    assert len({code for code, _language in shipped}) == 11


@pytest.fixture
def cases(org, shipped):
    lawyer = UserFactory(organisation=org, role=Role.LAWYER, full_name="Юристова Айгерим")
    out = {}
    for country, name in (("KZ", "Документов Ерлан"), ("TJ", "Ҳуҷҷатов Ҷамшед")):
        out[country] = open_case(
            lawyer,
            victim=case_services.PersonInput(full_name=name),
            country=country,
            events_from=dt.date(2025, 2, 12),
            summary=f"Вымышленные обстоятельства ({country}).",
        )
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("row", TEMPLATES, ids=_id)
def test_a_shipped_template_renders_from_a_case(row, cases):
    template = LetterTemplate.objects.get(code=row["code"], language=row["language"])
    fields = rendering.parse_fields(template.fields)
    checked = 0
    for country, case in cases.items():
        for recipient in Recipient.objects.filter(country__in=(country, "")):
            if recipient.kind not in template.kinds:
                continue
            if template.language not in recipient.language_list:
                continue
            data = services.case_prefill(case, recipient)
            # What the case cannot say, the lawyer types: every field the form shows.
            data = {f.name: data.get(f.name) or f"(вымышлено: {f.name})" for f in fields}
            rendering.check_template(bytes(template.content), fields)
            docx = rendering.render_docx(bytes(template.content), data)
            text = "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
            assert data["victim_name"] in text and data["recipient_name"] in text
            assert data["facts"] in text and "{{" not in text and "{%" not in text
            checked += 1
    assert checked, "no shipped recipient of a case's country takes this template"
