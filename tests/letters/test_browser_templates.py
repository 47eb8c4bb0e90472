"""Every shipped template in every one of its languages, made in a real browser: from
a fictional Kazakh case (Russian, Kazakh and the UN's languages) and a Tajik one (Tajik),
a lawyer chooses recipient and template on the letter page, completes what the case
does not say, makes the letter and downloads its PDF, whose text must carry the Kazakh
and Tajik letters the template is written with. One browser session walks them all."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from himoya.accounts.models import Role
from himoya.cases import services as case_services
from himoya.documentation import services as documentation
from himoya.documentation.models import ConsentKind
from himoya.letters import rendering, services
from himoya.letters.models import Letter, LetterTemplate, Recipient
from himoya.letters.shipped import load_shipped
from himoya.reference.models import Region, Term
from himoya.reference.vocab_data import load_reference_data
from tests.browser_helpers import PageGuard, login
from tests.conftest import run_queued_tasks
from tests.factories import TeamFactory, UserFactory, open_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The letters of the Kazakh and Tajik alphabets that Russian lacks.
SPECIAL = set("әғқңөұүһі") | set("ғӣқӯҳҷ")
# What the lawyer types is plain Russian, so that every Kazakh or Tajik letter in the
# PDF comes from the template's own text.
TYPED = "Вымышлено для теста"


def _submit(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def _download(page: Any, selector: str) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    return Path(info.value.path()).read_bytes()


def _template_letters(content: bytes) -> set[str]:
    """The Kazakh and Tajik letters of the template's text that a letter with every field
    filled prints: placeholders and tags out, and the ``else`` branches, which a filled
    field skips."""
    text = rendering.template_text(content)
    text = re.sub(r"{%\s*else\s*%}.*?{%\s*endif\s*%}", " ", text, flags=re.S)
    text = re.sub(r"{%.*?%}|{{.*?}}", " ", text)
    return set(text) & SPECIAL


def _case(lawyer: Any, team: Any, country: str) -> Any:
    case = open_case(
        lawyer,
        victim=case_services.PersonInput(full_name=f"Документов Ерлан ({country})"),
        team=team.pk,
        country=country,
        events_from=dt.date(2025, 2, 12),
        summary=f"Вымышленные обстоятельства дела ({country}).",
    )
    documentation.consent_record(
        actor=lawyer,
        case=case,
        person=documentation.victims(case)[0],
        kind=ConsentKind.SHARING,
        given_on=dt.date(2025, 3, 1),
        recipients="Государственные органы и механизмы ООН (вымышлено)",
    )
    return case


def test_a_lawyer_makes_every_template_in_every_language(page, live_server, org):
    load_reference_data(Term, Region)
    load_shipped(Recipient, LetterTemplate)
    team = TeamFactory(organisation=org, name="Команда (тест)")
    lawyer = UserFactory(organisation=org, role=Role.LAWYER, full_name="Юристова Айгерим")
    lawyer.teams.add(team)
    cases = {"KZ": _case(lawyer, team, "KZ"), "TJ": _case(lawyer, team, "TJ")}
    base = live_server.url
    guard = PageGuard(page, base)
    login(page, base, lawyer)

    made = []
    for template in services.current_templates():
        # Tajik goes to Tajikistan's bodies; everything else is made from the Kazakh case.
        case = cases["TJ" if template.language == "tg" else "KZ"]
        recipient = next(
            r
            for r in Recipient.objects.filter(country__in=(case.country, "")).order_by("pk")
            if r.kind in template.kinds and template.language in r.language_list
        )
        page.goto(f"{base}/staff/letters/case/{case.pk}/new/")
        page.select_option("#id_recipient", str(recipient.pk))
        page.select_option("#id_template", str(template.pk))
        _submit(page, "form.letter-start button[type=submit]")
        fields = rendering.parse_fields(template.fields)
        prefill = services.case_prefill(case, recipient)
        assert page.input_value("#id_victim_name") == prefill["victim_name"]
        for field in fields:
            if not page.input_value(f"#id_{field.name}"):
                page.fill(f"#id_{field.name}", f"{TYPED} ({field.name})")
        _submit(page, "form.letter-compose button[name=create]")
        letter = Letter.objects.get(template=template)
        assert page.url.endswith(f"/staff/letters/{letter.pk}/"), template
        # The worker makes the files (its code, run here); the page's poll shows them.
        assert run_queued_tasks() == 1, template
        pdf_link = f"a[href='/staff/letters/{letter.pk}/file/pdf/']"
        page.wait_for_selector(pdf_link, timeout=20000)
        pdf = _download(page, pdf_link)
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        flat = "".join(text.split())
        assert "".join(prefill["victim_name"].split()) in flat, template
        assert "".join(prefill["facts"].split()) in flat, template
        expected = _template_letters(bytes(template.content))
        if template.language in ("kk", "tg"):
            assert expected, f"{template} is written without its alphabet's letters"
        assert expected <= set(text), (template, expected - set(text))
        made.append((template.code, template.language))

    # Eleven templates: nine in Russian, Kazakh and Tajik, two in Russian and English.
    assert len({code for code, _language in made}) == 11
    assert len(made) == 9 * 3 + 2 * 2
    guard.assert_clean()
