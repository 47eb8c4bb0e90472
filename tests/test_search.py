"""The blind token index (himoya.search), on the real database: SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import itertools
from itertools import count

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from himoya.core.env import generate_secrets
from himoya.search import services
from himoya.search.analysis import Analyser, words
from himoya.search.models import Posting, SearchDocument
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
from himoya.search.sql import SearchLimits, bands_at
from himoya.search.tokens import Tokeniser, meta_tokens
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


def test_ranking_names_summary_notes_exact_then_recency():
    note_old = secret({"notes": "упоминается Каримов"}, minutes=1)
    note_form = secret({"notes": "жалоба Каримова"}, minutes=2)
    summary = secret({"summary": "Каримов задержан", "notes": "..."}, minutes=0)
    names = secret({"names": "Каримов Азиз", "notes": "текст"}, minutes=-10)
    note_new = secret({"notes": "Каримов"}, minutes=3)
    assert find("Каримов") == ids(names, summary, note_new, note_old, note_form)
    # Two words: each word scores on its own
    both_names = secret({"names": "Каримов Азиз"}, minutes=-20)
    one_name = secret({"names": "Каримов", "notes": "Азиз"}, minutes=5)
    assert find("азиз каримов")[:3] == ids(names, both_names, one_name)


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
    assert not Posting.objects.exists()


def _stored_tokens() -> list[int]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT unnest(tokens) FROM search_searchdocument")
        else:
            cursor.execute("SELECT token FROM search_posting")
        return [row[0] for row in cursor.fetchall()]


def _table_dump() -> str:
    dump = []
    with connection.cursor() as cursor:
        for table in ("search_searchdocument", "search_posting"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608
            dump += [repr(row) for row in cursor.fetchall()]
    return "\n".join(dump).casefold()


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
    made = Tokeniser().document_tokens(texts, organisation_id=None, updated_at=at(0))
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
        assert not set(
            Tokeniser().document_tokens(texts, organisation_id=None, updated_at=at(0))
        ) & set(stored)
        assert find("Назаров") == []
    assert find("Назаров") == ids(obj)


def test_filter_queryset_composes_with_other_filters():
    a = secret({"notes": "пытки в Бишкеке"})
    b = secret({"notes": "пытки в Оше"})
    secret({"notes": "задержание"})
    qs = filter_queryset(Secret.objects.all(), "пытки")
    assert sorted(qs.values_list("pk", flat=True)) == ids(a, b)
    assert list(filter_queryset(Secret.objects.exclude(pk=a.pk), "пытка")) == [b]
    assert list(filter_queryset(Secret.objects.all(), "пытки Бишкек").order_by("-pk")) == [a]
    assert filter_queryset(Secret.objects.all(), "").count() == 0


def test_recent_matches_come_band_by_band_and_names_are_not_lost():
    """Recent matches are asked of the index by time band (last weeks, last months,
    earlier), newest first; a match in names is found whatever its age."""
    now = timezone.now()
    day = dt.timedelta(days=1)

    def dated(texts: dict[str, str], age_days: int) -> Secret:
        obj = Secret.objects.create(name="x")
        updated = now - age_days * day
        index_document(owner=obj, organisation_id=None, texts=texts, updated_at=updated)
        obj.updated = updated
        return obj

    weeks = [dated({"notes": f"упоминается Юсупов, эпизод {i}"}, i) for i in range(3)]
    fortnight = dated({"notes": "Юсупов"}, 20)
    months = [dated({"notes": "Юсупов"}, 100 + i) for i in range(3)]
    ahead = dated({"notes": "Юсупов"}, -70)  # a clock far ahead: still found
    season = dated({"notes": "Юсупов"}, 200)
    years = [dated({"notes": "Юсупов"}, 800 + i) for i in range(3)]
    old_name = dated({"names": "Юсупов Тимур", "notes": "пытки"}, 2000)
    rare = dated({"notes": "электрошок"}, 3000)
    # The order in which the bands give their matches (these two weeks, these two months,
    # these two years, then the rest, which holds the clock far ahead), newest first.
    # (The ages are chosen to fall in the same band whatever the date of the run.)
    cascade = [*weeks, fortnight, *months, season, ahead, *years, old_name]
    for n in range(1, len(cascade) + 1):
        taken = [o for o in cascade[:n] if o is not old_name]
        expected = [old_name, *sorted(taken, key=lambda o: o.updated, reverse=True)][:n]
        found = find("Юсупов", limit=n, limits=SearchLimits(recent=n, named=10))
        assert found == [o.pk for o in expected], n
    assert find("электрошок", limits=SearchLimits(recent=1, named=1)) == ids(rare)
    assert find("пытки", limits=SearchLimits(recent=1, named=1)) == ids(old_name)
    assert find("Юсупов") == ids(old_name, ahead, *weeks, fortnight, *months, season, *years)


def test_search_within_the_callers_queryset():
    a = secret({"names": "Рахимов", "notes": "ИВС"}, minutes=1)
    b = secret({"notes": "Рахимов в ИВС"}, minutes=3)
    c = secret({"notes": "Рахимов"}, minutes=2)
    visible = Secret.objects.exclude(pk=b.pk)
    assert find("Рахимов") == ids(a, b, c)
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


@pytest.mark.parametrize("year", [2024, 2025, 2028])
def test_time_bands_are_contiguous_and_selected_by_their_tokens(year):
    """Whatever the date, the bands go back in time without gap or overlap, and every
    moment in a band carries one of the band's time tokens."""
    key = b"k" * 32
    start = dt.datetime(year, 1, 1, 0, 30, tzinfo=dt.UTC)
    for day in range(0, 370, 1):
        now = start + dt.timedelta(days=day, hours=day % 24)
        bands = bands_at(now, key)
        assert bands[0].start <= now < bands[0].end
        for newer, older in itertools.pairwise(bands):
            assert older.end == newer.start and older.start < older.end
        for band in bands:
            for moment in (band.start, band.end - dt.timedelta(microseconds=1)):
                meta = meta_tokens(key, organisation_id=None, updated_at=moment)
                assert set(meta) & set(band.tokens), (now, band, moment)


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
