"""Word forms for the legal database's search: one stem per word, so that "пыток" finds
"пытка", "азаптаудан" finds "азаптау" and "шиканҷаҳо" finds "шиканҷа".

PostgreSQL ships a Snowball configuration for Russian and English but none for Kazakh or
Tajik, and neither Snowball nor PyStemmer has an algorithm for them (PyStemmer 3.1 offers
Persian, which is written in Arabic script, and Turkish, in Latin script). So:

- Russian and English: Snowball (PyStemmer, the same algorithms as PostgreSQL's
  ``russian`` and ``english`` configurations). Snowball leaves a fleeting vowel
  ("пыток" against "пытк-а"), so a Russian stem ending consonant, о/е, consonant is also
  indexed without the vowel.
- Kazakh and Tajik: light suffix stripping written here. Both languages add suffixes in a
  fixed order (Kazakh: stem, plural, possessive, case; Tajik: stem, plural, possessive,
  izofat, object marker), so peeling them from the end, at most one per slot, and never
  below a minimal stem, brings the forms of a word to one stem. It is not a morphological
  analyser: what matters for search is that the forms of one word meet, and the search
  adds prefix matching (``stem:*``) for what the stripping misses.

The figures measured on the fixture of word forms are in ``legal_search``."""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

_SNOWBALL = {"ru": Stemmer.Stemmer("russian"), "en": Stemmer.Stemmer("english")}

_CONSONANTS = "бвгджзклмнпрстфхцчшщ"
_FLEETING = re.compile(rf"^(.+[{_CONSONANTS}])[оеё]([{_CONSONANTS}])$")

# Kazakh suffix slots, peeled from the end of the word in this order; each entry is a
# suffix and the shortest stem that may remain after it (short suffixes need a longer
# stem, or "заң" would lose its last letter). Vowel harmony gives the variants.
_KK_SLOTS: list[list[tuple[str, int]]] = [
    # case
    [
        # Plural, third-person possessive and the accusative's one-letter "-н" at once
        # ("құқықтарын", their rights): "-н" alone is not a suffix to strip, too many
        # stems end in н ("тұтқын", "шағын"), but after "-лары"/"-тері" it can be nothing
        # else. The slots below then find nothing more to peel, as after "-лар".
        *[(s, 3) for s in ("ларын", "лерін", "дарын", "дерін", "тарын", "терін")],
        *[(s, 3) for s in ("дағы", "дегі", "тағы", "тегі", "ндағы", "ндегі")],
        *[(s, 3) for s in ("нан", "нен", "дан", "ден", "тан", "тен")],
        *[(s, 3) for s in ("ның", "нің", "дың", "дің", "тың", "тің")],
        *[(s, 3) for s in ("менен", "мен", "бен", "пен")],
        *[(s, 3) for s in ("нда", "нде", "да", "де", "та", "те")],
        *[(s, 3) for s in ("ға", "ге", "қа", "ке", "на", "не")],
        *[(s, 3) for s in ("ны", "ні", "ды", "ді", "ты", "ті")],
        *[(s, 5) for s in ("а", "е")],
    ],
    # possessive
    [
        *[(s, 3) for s in ("ымыз", "іміз", "ыңыз", "іңіз", "мыз", "міз", "ңыз", "ңіз")],
        # The agent suffix -шы/-ші sits here too, so that its vowel is not taken for a
        # possessive one. First and second person singular (-ым, -ың) are left out: rare
        # in legal texts, and they would cut words ending so ("шағым", complaint).
        *[(s, 4) for s in ("шы", "ші")],
        *[(s, 3) for s in ("сы", "сі", "ы", "і")],
    ],
    # plural
    [(s, 3) for s in ("лар", "лер", "дар", "дер", "тар", "тер")],
    # agent noun ("азаптаушы", torturer) and participles
    [
        *[(s, 4) for s in ("шы", "ші")],
        *[(s, 3) for s in ("атын", "етін", "йтын", "йтін", "ған", "ген", "қан", "кен")],
    ],
    # verbal noun ("азаптау")
    [(s, 4) for s in ("у",)],
]

# Tajik: object marker, izofat or indefinite, possessive, plural.
_TG_SLOTS: list[list[tuple[str, int]]] = [
    [(s, 3) for s in ("ро",)],
    [*[(s, 3) for s in ("йи", "и", "ӣ", "е", "ю")]],
    [*[(s, 4) for s in ("ашон", "амон", "атон", "яшон", "ямон", "ятон", "аш", "ам", "ат")]],
    [*[(s, 4) for s in ("гон", "ён", "он")], *[(s, 3) for s in ("ҳо",)]],
]


# A Kazakh stem ending in a voiceless қ, к or п voices it before a vowel-initial suffix
# ("құқық", right: "құқығы", his right; "көмек": "көмегі"; "талап": "талабы"), so the
# peeled stem ends in ғ, г or б. Native Kazakh words do not end in these voiced stops, so
# turning a stem's last ғ, г, б back into қ, к, п (always, peeled or not, so a loanword
# like "клуб" still meets "клубы") brings both forms to one stem.
_KK_DEVOICED = str.maketrans("ғгб", "қкп")


def _peel(word: str, slots: list[list[tuple[str, int]]]) -> str:
    for slot in slots:
        for suffix, shortest in sorted(slot, key=lambda item: -len(item[0])):
            if word.endswith(suffix) and len(word) - len(suffix) >= shortest:
                word = word[: -len(suffix)]
                break
    return word


def _kazakh(word: str) -> str:
    stem = _peel(word, _KK_SLOTS)
    if len(stem) >= 3:
        stem = stem[:-1] + stem[-1].translate(_KK_DEVOICED)
    return stem


@lru_cache(maxsize=65536)
def stems(word: str, language: str) -> tuple[str, ...]:
    """The index terms of one lower-case word in a document of ``language``."""
    if language in ("ru", "en"):
        stem = _SNOWBALL[language].stemWord(word)
        if language == "ru":
            stem = stem.replace("ё", "е")
            fleeting = _FLEETING.match(stem)
            if fleeting and len(stem) >= 5:
                return (stem, fleeting.group(1) + fleeting.group(2))
        return (stem,)
    if language == "kk":
        return (_kazakh(word),)
    if language == "tg":
        return (_peel(word, _TG_SLOTS),)
    return (word,)


LANGUAGES = ("ru", "kk", "tg", "en")


@lru_cache(maxsize=4096)
def query_stems(word: str) -> tuple[str, ...]:
    """A searched word's stems under every language: the visitor may type Kazakh on the
    Russian site, and the document's language is what its terms were stemmed by."""
    found: dict[str, None] = {}
    for language in LANGUAGES:
        for stem in stems(word, language):
            found.setdefault(stem, None)
    return tuple(found)
