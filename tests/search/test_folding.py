"""Names across scripts, Kazakh endings, participles, case numbers (docs/search.md)."""

from __future__ import annotations

import pytest

from himoya.core.folding import case_number, kazakh_base, name_skeleton, skeleton
from himoya.search.analysis import Analyser, words
from himoya.search.tokens import Tokeniser


@pytest.mark.parametrize(
    "spellings",
    [
        ("Джамшед", "Ҷамшед", "Jamshed", "Dzhamshed"),
        ("Курмангалиулы", "Құрманғалиұлы", "Kurmangaliuly"),
        ("Рахимов", "Раҳимов", "Rakhimov", "Rahimov"),
        ("Дмитрий", "Dmitriy", "Dmitry"),
        ("Евгений", "Yevgeniy", "Evgeniy"),
        ("Жандос", "Zhandos", "Jandos"),
        ("Мухаммад", "Muhammad", "Mukhammad"),
        ("Юлия", "Yulia", "Yuliya"),
    ],
)
def test_one_skeleton_for_a_name_in_every_script(spellings: tuple[str, ...]) -> None:
    keys = {skeleton(word.casefold()) for word in spellings}
    assert len(keys) == 1 and keys != {""}


def test_skeletons_keep_different_names_apart() -> None:
    assert skeleton("джамшед") != skeleton("джамшид")
    assert skeleton("рахимов") != skeleton("рахманов")
    # No letter of either script: no key, so nothing matches by it.
    assert skeleton("王") == ""


def test_a_full_name_skeleton_ignores_word_order_and_case() -> None:
    assert name_skeleton("Рахимов Джамшед") == name_skeleton("RAKHIMOV JAMSHED")
    assert name_skeleton("Ҷамшед Раҳимов") == name_skeleton("Jamshed Rahimov")
    assert name_skeleton("Рахимов Джамшед") != name_skeleton("Рахимов Джамшид")
    assert name_skeleton("123") == ""


def test_kazakh_endings_with_kazakh_letters_only() -> None:
    assert kazakh_base("құрманғалиұлының") == "құрманғалиұлы"
    assert kazakh_base("асанның") == "асан"
    assert kazakh_base("ерланға") == "ерлан"
    assert kazakh_base("бекқа") == "бек"
    # Russian words keep their endings.
    assert kazakh_base("иванова") is None
    assert kazakh_base("каримову") is None


def test_a_kazakh_genitive_finds_the_name_and_back() -> None:
    analyser = Analyser()
    genitive = set(analyser.term("құрманғалиұлының").stems)
    for form in ("құрманғалиұлы", "курмангалиулы"):
        assert genitive & set(analyser.term(form).stems)
    assert analyser.term("құрманғалиұлының").skeleton == skeleton("kurmangaliuly")


@pytest.mark.parametrize("form", ["избитый", "избиты", "избитая", "избитого"])
def test_participles_and_adjectives_find_the_short_participle(form: str) -> None:
    analyser = Analyser()
    assert set(analyser.term(form).stems) & set(analyser.term("избит").stems)


def test_the_participle_rule_adds_and_never_removes_stems() -> None:
    analyser = Analyser()
    assert "изб" in analyser.term("избит").stems  # still finds избил, избить
    assert set(analyser.term("задержан").stems) & set(analyser.term("задержанный").stems)


def test_query_words_match_names_by_skeleton_only_in_names() -> None:
    tokeniser = Tokeniser(key=b"k" * 32)
    (jamshed,) = tokeniser.query_terms("Jamshed")
    in_names = set(tokeniser.document_tokens({"names": "Ҷамшед"}, owner_id=1))
    in_notes = set(tokeniser.document_tokens({"notes": "Ҷамшед"}, owner_id=1))
    assert set(jamshed.match) & in_names
    assert not set(jamshed.match) & in_notes
    # Quoted words match their exact form only.
    (quoted,) = tokeniser.query_terms('"Jamshed"')
    assert not set(quoted.match) & in_names


@pytest.mark.parametrize("typed", ["К-2025-001", "к-2025-001", " K-2025-001 ", "K–2025–001"])
def test_case_numbers_with_a_cyrillic_k(typed: str) -> None:
    assert case_number(typed) == "K-2025-001"
    # The search reads the number by its digits, whatever the letter.
    assert words(typed) == ["2025", "001"]
