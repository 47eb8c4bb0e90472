"""The blind token index (himoya.search), on the real database (PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import itertools
from itertools import count
from pathlib import Path

import polib
import pytest
from django.db import connection
from django.test import override_settings

from himoya.core.env import generate_secrets
from himoya.search import services
from himoya.search.analysis import _KK_TG_FOLD, Analyser, words
from himoya.search.models import SearchDocument
from himoya.search.selectors import filter_queryset, search_owner_ids, search_queryset
from himoya.search.services import (
    IndexItem,
    index_document,
    index_documents_bulk,
    rebuild_index,
    register_source,
    remove_document,
    unregister_source,
)
from himoya.search.sql import SearchLimits, bands_below
from himoya.search.tokens import (
    EXACT,
    FIELD_KINDS,
    NAMES,
    SKELETON,
    STEM,
    Tokeniser,
    meta_tokens,
    search_key,
    token,
)
from tests.testapp.models import Secret

pytestmark = pytest.mark.django_db

OWNER = "testapp.secret"
_ids = count(1)
BASE = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def at(minutes: int) -> dt.datetime:
    return BASE + dt.timedelta(minutes=minutes)


def secret(texts: dict[str, str], *, org=None, minutes: int = 0) -> Secret:
    """An owner row (its own fields are not what is indexed: ``texts`` is)."""
    obj = Secret.objects.create(name=f"owner {next(_ids)}")
    index_document(
        owner=obj,
        organisation_id=org.pk if org else None,
        texts=texts,
        updated_at=at(minutes),
    )
    return obj


def find(query: str, *, orgs=None, limit: int = 50, limits: SearchLimits | None = None):
    return search_owner_ids(
        owner_type=OWNER, query=query, organisation_ids=orgs, limit=limit, limits=limits
    )


def ids(*objs: Secret) -> list[int]:
    return [o.pk for o in objs]


def test_russian_morphology():
    a = secret({"notes": "Жалоба на пытки в ИВС"})
    b = secret({"notes": "следов пыток не обнаружено"})
    c = secret({"notes": "угрожал пытками"})
    other = secret({"notes": "пытался уйти"})
    for query in ("пытка", "пытки", "пыток", "ПЫТКАМИ"):
        assert sorted(find(query)) == ids(a, b, c), query
    assert find("пытался") == ids(other)


def test_fleeting_vowels_and_surnames_in_any_case():
    father = secret({"notes": "у отца изъяли телефон"})
    assert find("отец") == ids(father)
    gen = secret({"notes": "жалоба Иванова"})
    dat = secret({"notes": "Иванову причинены побои"})
    ins = secret({"notes": "беседа с Ивановым"})
    fem = secret({"notes": "Иванова Мария"})
    assert sorted(find("Иванов")) == ids(gen, dat, ins, fem)
    assert sorted(find("Ивановой")) == ids(gen, dat, ins, fem)
    aliev = secret({"names": "Алиев Рустам"})
    secret({"notes": "алая лента"})  # the stemmer cuts "алиев" to "ал"; the base keeps it apart
    assert find("Алиева") == ids(aliev)
    # "следы побоев" is found by "побои" and the other way round
    assert find("побои") == ids(dat)
    assert find("побоев") == ids(dat)


def test_english_stems():
    beating = secret({"notes": "a severe beating in custody"})
    beats = secret({"notes": "he beats detainees"})
    beaten = secret({"notes": "he was beaten"})
    tortured = secret({"notes": "tortured during interrogation"})
    assert sorted(find("beat")) == ids(beating, beats)
    assert sorted(find("beatings")) == ids(beating, beats)
    # Snowball does not know irregular forms: "beaten" stems to itself.
    assert find("beaten") == ids(beaten)
    for query in ("torture", "torturing", "TORTURED"):
        assert find(query) == ids(tortured)


def test_kazakh_and_tajik_words():
    kk = secret({"notes": "Тергеу кезінде азаптау фактісі анықталды"})
    tg = secret({"notes": "Ӯро дар шуъбаи милиса шиканҷа карданд"})
    typed_ru = secret({"notes": "шиканча дар ИВВ"})  # typed without a Tajik keyboard
    assert find("азаптау") == ids(kk)
    assert find("АЗАПТАУ фактісі") == ids(kk)
    assert sorted(find("шиканҷа")) == ids(tg, typed_ru)
    assert sorted(find("шиканча")) == ids(tg, typed_ru)
    # Quoted: the exact form only. The exact form also ranks first unquoted.
    assert find('"шиканҷа"') == ids(tg)
    assert find("шиканча")[0] == typed_ru.pk
    assert find("Қазақстан") == []
    kz = secret({"notes": "Казакстан"})
    assert find("Қазақстан") == ids(kz)


def test_numbers_typos_and_marks():
    case = secret({"notes": "Дело №2024-0153 от 12.03.2024г., Иванoв"})  # Latin "o"
    stressed = secret({"notes": "пы́тки"})
    assert find("2024") == ids(case)
    assert find("0153") == ids(case)
    assert find("153") == []
    assert find("иванов") == ids(case)
    assert find("пытки") == ids(stressed)


def test_all_words_must_match():
    both = secret({"notes": "пытки в Бишкеке"})
    secret({"notes": "пытки в Оше"})
    secret({"notes": "задержание в Бишкеке"})
    assert find("пытки Бишкек") == ids(both)
    assert find("пытки Бишкек Ош") == []


def test_empty_and_stop_word_queries_find_nothing():
    secret({"notes": "и в на пытки"})
    for query in ("", "   ", "и в на", "a", "«»", '""', "the and"):
        assert find(query) == [], query
    assert filter_queryset(Secret.objects.all(), "и на").count() == 0


def test_ranking_names_summary_notes_exact_then_newest():
    note_old = secret({"notes": "упоминается Каримов"}, minutes=1)
    note_form = secret({"notes": "жалоба Каримова"}, minutes=2)
    summary = secret({"summary": "Каримов задержан", "notes": "..."}, minutes=0)
    names = secret({"names": "Каримов Азиз", "notes": "текст"}, minutes=-10)
    note_new = secret({"notes": "Каримов"}, minutes=3)
    assert find("Каримов") == ids(names, summary, note_new, note_old, note_form)
    # Two words: each word scores on its own
    both_names = secret({"names": "Каримов Азиз"}, minutes=-20)
    one_name = secret({"names": "Каримов", "notes": "Азиз"}, minutes=5)
    assert find("азиз каримов")[:3] == ids(both_names, names, one_name)  # newest first


def test_organisation_prefilter(org, other_org):
    mine = secret({"notes": "пытки"}, org=org)
    theirs = secret({"notes": "пытки"}, org=other_org)
    nobody = secret({"notes": "пытки"})
    assert find("пытки", orgs=[org.pk]) == ids(mine)
    assert sorted(find("пытки", orgs=[org.pk, other_org.pk])) == ids(mine, theirs)
    assert sorted(find("пытки")) == ids(mine, theirs, nobody)
    assert find("пытки", orgs=[]) == []


def test_reindex_replaces_tokens_and_removal():
    obj = secret({"notes": "избиение в СИЗО"})
    assert find("избиение") == ids(obj)
    index_document(owner=obj, organisation_id=None, texts={"notes": "угрозы по телефону"})
    assert find("избиение") == []
    assert find("угрозы") == ids(obj)
    assert SearchDocument.objects.filter(owner_type=OWNER, owner_id=obj.pk).count() == 1
    remove_document(owner=obj)
    assert find("угрозы") == []
    assert not SearchDocument.objects.filter(owner_id=obj.pk).exists()


def _stored_tokens() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT unnest(tokens) FROM search_searchdocument")
        return [row[0] for row in cursor.fetchall()]


def _shown(value: object) -> str:
    # The token arrays are checked to be integers apart; written out in decimal, their
    # digits would now and then contain a number of the text (1987) by chance.
    if isinstance(value, list) and value and all(isinstance(v, int) for v in value):
        return f"<{len(value)} integer tokens>"
    return repr(value)


def _table_dump() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM search_searchdocument")
        rows = cursor.fetchall()
    return "\n".join(" ".join(_shown(v) for v in row) for row in rows).casefold()


def test_no_plaintext_at_rest_only_keyed_tokens():
    texts = {
        "names": "Назаров Бахтиёр",
        "summary": "Пытки электрошоком в ИВС Душанбе",
        "notes": "Следователь Рахимов угрожал; шиканҷа; torture; 1987",
    }
    obj = secret(texts)
    stored = _stored_tokens()
    assert all(isinstance(t, int) and -(2**63) <= t < 2**63 for t in stored)
    # Exactly the tokens the tokeniser makes, each once: a repeated word is not counted.
    made = Tokeniser(search_key(None)).document_tokens(texts, owner_id=obj.pk)
    assert sorted(stored) == made
    assert len(stored) == len(set(stored))
    dump = _table_dump()
    analyser = Analyser()
    for word in words(" ".join(texts.values())):
        assert word not in dump
        for stem in analyser.term(word).stems:
            if len(stem) > 3:
                assert stem not in dump
    # Keyed: another index key gives other tokens, and finds nothing.
    other = generate_secrets()["HIMOYA_INDEX_KEY"]
    with override_settings(HIMOYA_INDEX_KEY=other):
        assert not set(Tokeniser(search_key(None)).document_tokens(texts, owner_id=obj.pk)) & set(
            stored
        )
        assert find("Назаров") == []
    assert find("Назаров") == ids(obj)


def _tokens_from_first_principles(texts: dict[str, str], *, owner_id: int) -> list[int]:
    """What a document's tokens are by definition (docs/search.md), with ``token``
    alone: no memo, no shared HMAC state."""
    key = search_key(None)
    analyser = Analyser()
    found = set(meta_tokens(key, owner_id=owner_id))
    for field, text in texts.items():
        kind = FIELD_KINDS.get(field)
        for word in words(text):
            term = analyser.term(word)
            found.add(token(key, STEM if term.numeric else EXACT, term.exact))
            for stem in term.stems:
                found.add(token(key, STEM, stem))
                if kind:
                    found.add(token(key, kind, stem))
            if kind == NAMES and term.skeleton:
                found.add(token(key, SKELETON, term.skeleton))
    return sorted(found)


def test_document_tokens_are_the_keyed_tokens_of_their_terms():
    # Words, short and long numbers in ranked and other fields, met again in a later
    # document of the same batch (the tokeniser's memo) and in other fields.
    docs = [
        {"names": "Каримов Азиз 2024", "number": "K-2024-00017 R-0000153", "summary": "пытки"},
        {"names": "Азиз Каримову", "number": "K-2024-00018 R-0000153", "summary": "00017 2024"},
        {"names": "beaten 0000153", "notes": "Каримов пытки 2024 K-2024-00017", "summary": ""},
    ]
    tokeniser = Tokeniser(search_key(None))
    for owner_id, texts in enumerate(docs * 2, start=4095):
        made = tokeniser.document_tokens(texts, owner_id=owner_id)
        assert made == _tokens_from_first_principles(texts, owner_id=owner_id)
    # Numbers of more than 4 digits are not kept for the batch; words and years are.
    assert "0000153" not in tokeniser.analyser.memo
    assert {"каримов", "2024"} <= set(tokeniser.analyser.memo)


def test_c_and_pure_python_snowball_give_the_same_stems():
    """PyStemmer (C libstemmer) is what ``snowballstemmer.stemmer`` returns once it is
    installed; stems from it must be the pure-Python port's, or the index changes
    (``tokens.SCHEME``). Checked on the words of our four catalogues, as the analyser
    hands them to the stemmers (a check of 870,000 words preceded adopting it)."""
    stemmer = pytest.importorskip("Stemmer")
    import django
    from snowballstemmer.english_stemmer import EnglishStemmer
    from snowballstemmer.russian_stemmer import RussianStemmer

    ours = Path(__file__).resolve().parents[2] / "himoya" / "locale"
    djangos = Path(django.__file__).resolve().parent / "conf" / "locale"
    sample: set[str] = set()
    for locale, language in itertools.product((ours, djangos), ("ru", "kk", "tg", "en")):
        for entry in polib.pofile(str(locale / language / "LC_MESSAGES" / "django.po")):
            sample.update(words(f"{entry.msgid} {entry.msgstr}"))
    cyrillic = sorted(w.translate(_KK_TG_FOLD) for w in sample if not w.isascii())
    latin = sorted(w for w in sample if w.isascii() and not w.isdigit())
    assert len(cyrillic) > 3000 and len(latin) > 700
    c_ru, c_en = stemmer.Stemmer("russian"), stemmer.Stemmer("english")
    py_ru, py_en = RussianStemmer(), EnglishStemmer()
    assert [c_ru.stemWord(w) for w in cyrillic] == [py_ru.stemWord(w) for w in cyrillic]
    assert [c_en.stemWord(w) for w in latin] == [py_en.stemWord(w) for w in latin]


def test_filter_queryset_composes_with_other_filters():
    a = secret({"notes": "пытки в Бишкеке"})
    b = secret({"notes": "пытки в Оше"})
    secret({"notes": "задержание"})
    qs = filter_queryset(Secret.objects.all(), "пытки")
    assert sorted(qs.values_list("pk", flat=True)) == ids(a, b)
    assert list(filter_queryset(Secret.objects.exclude(pk=a.pk), "пытка")) == [b]
    assert list(filter_queryset(Secret.objects.all(), "пытки Бишкек").order_by("-pk")) == [a]
    assert filter_queryset(Secret.objects.all(), "").count() == 0


def test_newest_matches_come_band_by_band_and_names_are_not_lost():
    """The newest matches are asked of the index by bands of owner ids (the newest 4,096
    to 8,192, then 32,768 to 65,536, then 262,144 to 524,288, then the rest), newest
    first; a match in names is found whatever its age."""
    label = "tests.bands"

    def put(owner_id: int, texts: dict[str, str]) -> int:
        index_documents_bulk(owner_type=label, items=[IndexItem(owner_id, None, texts)])
        return owner_id

    newest = [put(600_000, {"notes": "Юсупов"}), put(599_000, {"notes": "Юсупов, эпизод"})]
    second = [put(590_000, {"notes": "Юсупов"}), put(560_000, {"notes": "Юсупов"})]
    third = put(400_000, {"notes": "Юсупов"})
    rest = [put(100_000, {"notes": "Юсупов"}), put(5, {"notes": "Юсупов"})]
    named = put(50, {"names": "Юсупов Тимур", "notes": "пытки"})
    rare = put(7, {"notes": "электрошок"})
    bands = bands_below(600_000, [search_key(None)])
    assert [(b.start, b.end) for b in bands] == [
        (593_920, 602_112),
        (557_056, 593_920),
        (262_144, 557_056),
    ]
    # The order in which the bands give their matches, each band newest first.
    cascade = [*newest, *second, third, rest[0], named, rest[1]]

    def search(query: str, **kwargs) -> list[int]:
        return search_owner_ids(owner_type=label, query=query, organisation_ids=None, **kwargs)

    for n in range(1, len(cascade) + 1):
        taken = [o for o in cascade[:n] if o != named]
        expected = [named, *sorted(taken, reverse=True)][:n]
        assert search("Юсупов", limit=n, limits=SearchLimits(recent=n, named=10)) == expected
    assert search("электрошок", limit=5, limits=SearchLimits(recent=1, named=1)) == [rare]
    assert search("пытки", limit=5, limits=SearchLimits(recent=1, named=1)) == [named]
    assert search("Юсупов", limit=50) == [named, *sorted(cascade[:-3] + rest, reverse=True)]


def test_search_within_the_callers_queryset():
    a = secret({"names": "Рахимов", "notes": "ИВС"}, minutes=1)
    b = secret({"notes": "Рахимов в ИВС"}, minutes=3)
    c = secret({"notes": "Рахимов"}, minutes=2)
    visible = Secret.objects.exclude(pk=b.pk)
    assert find("Рахимов") == ids(a, c, b)
    assert search_owner_ids(
        owner_type=OWNER, query="Рахимов", organisation_ids=None, limit=10, within=visible
    ) == ids(a, c)
    assert search_queryset(visible, "Рахимов", limit=10) == [a, c]
    assert search_queryset(visible, "Рахимов ИВС", limit=10) == [a]
    assert search_queryset(visible, "", limit=10) == []
    with pytest.raises(ValueError):
        search_owner_ids(
            owner_type="cases.case", query="x", organisation_ids=None, limit=1, within=visible
        )


def test_bands_are_contiguous_and_selected_by_their_tokens():
    """Whatever the newest owner id, the bands go down without gap or overlap, and every
    owner in a band carries one of the band's block tokens."""
    key = b"k" * 32
    for newest in [1, 4095, 4096, 8191, 40_000, 65_535, 65_536, 262_143, 600_000, 10**7 + 3]:
        bands = bands_below(newest, [key])
        assert bands[0].start <= newest < bands[0].end
        for newer, older in itertools.pairwise(bands):
            assert older.end == newer.start and older.start < older.end
        for band in bands:
            for owner_id in (band.start, (band.start + band.end) // 2, band.end - 1):
                meta = meta_tokens(key, owner_id=owner_id)
                assert set(meta) & set(band.tokens), (newest, band, owner_id)


def test_bulk_index_thousands_in_few_statements(django_assert_max_num_queries):
    vocabulary = ["пытки", "задержание", "избиение", "угрозы", "адвокат", "СИЗО", "ИВС"]
    items = [
        IndexItem(
            owner_id=i,
            organisation_id=None,
            texts={
                "names": f"Фамилия{i % 97} Имя{i % 13}",
                "notes": f"{vocabulary[i % 7]} {vocabulary[(i * 3) % 7]} дело {10000 + i}",
            },
            updated_at=at(i),
        )
        for i in range(1, 3001)
    ]
    with django_assert_max_num_queries(60):
        assert index_documents_bulk(owner_type=OWNER, items=items, batch_size=1000) == 3000
    assert SearchDocument.objects.filter(owner_type=OWNER).count() == 3000
    assert find("дело 10042") == [42]
    assert find("10042 пытки") == [42]  # its notes: "пытки пытки дело 10042"
    assert find("10042 избиение") == []
    expected = [i for i in range(1, 3001) if "избиение" in items[i - 1].texts["notes"]]
    assert sorted(find("избиение", limit=1000)) == expected
    assert find("избиение", limit=5) == sorted(expected, reverse=True)[:5]
    # Re-indexing the same owners replaces, never duplicates.
    index_documents_bulk(owner_type=OWNER, items=items[:10])
    assert SearchDocument.objects.filter(owner_type=OWNER).count() == 3000


def test_rebuild_from_a_registered_source():
    kept = Secret.objects.create(name="kept", story="Пытки в изоляторе")
    gone = secret({"notes": "устаревшая запись"})

    def source():
        for obj in Secret.objects.filter(pk=kept.pk):
            yield IndexItem(obj.pk, None, {"notes": obj.story})

    register_source(Secret, source)
    try:
        assert rebuild_index(owner_type=OWNER) == {OWNER: 1}
    finally:
        unregister_source(Secret)
    assert find("изолятор") == ids(kept)
    assert find("устаревшая") == []
    assert not SearchDocument.objects.filter(owner_id=gone.pk).exists()
    with pytest.raises(LookupError):
        services.rebuild_index(owner_type="nothing.here")
