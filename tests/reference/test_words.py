"""The wording fixes of issue 8 ("Words"): one term per concept, domain.md's terms win."""

from __future__ import annotations

import importlib
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext

from himoya.accounts.models import Organisation, Role
from himoya.reference.models import Term
from himoya.reference.vocab_data import TERMS
from tests.conftest import make_client
from tests.factories import UserFactory

LOCALE = Path(__file__).resolve().parents[2] / "himoya" / "locale"

# Wordings the catalogue review found wrong, per language.
WRONG = {
    "ru": [
        "содержания под стражей: ",
        "место содержания под стражей",
        "места содержания под стражей",
    ],
    "kk": ["ұстау орн", "ұстау орын", "Ұстау орн", "Хронология", "ведомство", "оқиға тексерілді"],
    "tg": ["ҷойи нигоҳдорӣ", "Ҷойи нигоҳдорӣ", "ҷойҳои нигоҳдорӣ", "Хронология", "рӯйдод"],
}


def _msgstrs(lang: str) -> list[tuple[str, str]]:
    po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    out = []
    for entry in po:
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            out.append((entry.msgid, text.replace("\n", "")))
    return out


@pytest.mark.parametrize("lang", sorted(WRONG))
def test_catalogue_has_no_rejected_wording(lang: str) -> None:
    hits = [
        (msgid, text)
        for msgid, text in _msgstrs(lang)
        for w in WRONG[lang]
        if w.lower() in text.lower()
    ]
    assert not hits, hits


@pytest.mark.parametrize(
    ("lang", "msgid", "expected"),
    [
        ("ru", "Place of detention", "Место лишения свободы"),
        ("kk", "Place of detention", "Бас бостандығынан айыру орны"),
        ("tg", "Place of detention", "Ҷойи маҳрумият аз озодӣ"),
        ("kk", "Timeline", "Іс барысы"),
        ("tg", "Timeline", "Ҷараёни парванда"),
        ("ru", "Managing agency", "Ведомственная подчинённость"),
        ("kk", "Managing agency", "Басқарушы орган"),
        ("tg", "Published", "Нашршуда"),
    ],
)
def test_compiled_catalogue_says_the_agreed_term(lang: str, msgid: str, expected: str) -> None:
    with translation.override(lang):
        assert gettext(msgid) == expected


def test_managing_agency_and_agency_differ() -> None:
    for lang in ("ru", "kk", "tg"):
        with translation.override(lang):
            assert gettext("Managing agency") != gettext("Agency"), lang


@pytest.mark.parametrize(
    ("lang", "expected"), [("ru", "ФИО"), ("kk", "Аты-жөні"), ("tg", "Ному насаб")]
)
def test_a_persons_name_is_not_a_things_name(lang: str, expected: str) -> None:
    with translation.override(lang):
        assert pgettext("person", "Name") == expected
        assert gettext("Name") != expected


def test_kk_and_tg_audit_chain_counts_records() -> None:
    with translation.override("kk"):
        assert "жазба" in gettext("The chain is broken at event #%(seq)s.")
    with translation.override("tg"):
        assert "сабт" in gettext("The chain is broken at event #%(seq)s.")


def test_denial_of_medical_care_is_the_authorities_refusing() -> None:
    row = next(r for r in TERMS["violation"] if r[0] == "medical_care")
    assert row[2] == "Медициналық көмек көрсетуден бас тарту"
    assert row[3] == "Рад кардани расонидани кӯмаки тиббӣ"


@pytest.mark.django_db
def test_migration_corrects_shipped_labels_but_keeps_a_stewards_edit() -> None:
    migration = importlib.import_module("himoya.reference.migrations.0005_medical_care_wording")
    term = Term.objects.get(vocabulary="violation", code="medical_care")
    term.label_kk = "Медициналық көмектен бас тарту"
    term.label_tg = "Рад кардани кӯмаки тиббӣ (steward's own)"
    term.save()
    migration.forwards(apps, None)
    term.refresh_from_db()
    assert term.label_kk == "Медициналық көмек көрсетуден бас тарту"
    assert term.label_tg == "Рад кардани кӯмаки тиббӣ (steward's own)"


@pytest.mark.django_db
def test_staff_list_heads_the_name_column_as_a_persons_name(org: Organisation) -> None:
    client = make_client(UserFactory(organisation=org, role=Role.COORDINATOR))
    for lang, expected in (("ru", "ФИО"), ("kk", "Аты-жөні")):
        response = client.get(reverse("staff:staff_list"), HTTP_ACCEPT_LANGUAGE=lang)
        assert response.status_code == 200
        assert f"<th>{expected}</th>" in response.content.decode()
