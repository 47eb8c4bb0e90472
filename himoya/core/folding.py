"""Foldings that let one spelling find another: names across scripts, Kazakh case
endings on names, case numbers typed with a Cyrillic letter.

The same functions run when a value is stored (blind index, search tokens) and when it
is looked for; docs/search.md says what each folding costs in precision and what the
folded keys reveal.
"""

from __future__ import annotations

import re
import unicodedata

# --- names across scripts ----------------------------------------------------------
# One key for a name however it is written: Russian documents (Джамшед), Tajik or Kazakh
# letters (Ҷамшед, Құрманғали), passport and UN transliterations (Jamshed, Kurmangaliuly,
# Dzhamshed, Rakhimov). Letters that transliterations confuse share a key letter:
# ж/дж/ҷ/j/zh/dzh -> j, к/қ/q -> k, г/ғ/gh -> g, х/ҳ/һ/kh -> h, у/ұ/ү/ӯ/w -> u,
# и/й/ы/і/ӣ/y -> i, ә -> a, ө -> o, ң -> n; doubled letters count once.

# Latin letter groups, longest first, read before single letters.
_LATIN_GROUPS = (
    ("shch", "sh"),
    ("dzh", "j"),
    ("zh", "j"),
    ("dj", "j"),
    ("kh", "h"),
    ("gh", "g"),
    ("sh", "sh"),
    ("ch", "ch"),
    ("ts", "ts"),
)
_LATIN_GROUP = re.compile("|".join(g for g, _key in _LATIN_GROUPS))
_LATIN_KEYS = dict(_LATIN_GROUPS)
# Latin letters with marks whose plain letter would mislead (Turkic alphabets).
_LATIN_SPECIAL = str.maketrans({"ş": "sh", "ç": "ch", "ı": "i", "ñ": "n", "ý": "u", "w": "u"})
_LATIN_SINGLE = str.maketrans({"q": "k", "c": "k", "y": "i", "x": "ks"})
# Russian дж is one sound, Tajik ҷ and English j.
_CYRILLIC_GROUPS = re.compile("дж")
_CYRILLIC = str.maketrans(
    {
        "а": "a",
        "ә": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "ғ": "g",
        "д": "d",
        "е": "e",
        "ё": "e",
        "э": "e",
        "ж": "j",
        "ҷ": "j",
        "з": "z",
        "и": "i",
        "ӣ": "i",
        "й": "i",
        "і": "i",
        "ы": "i",
        "к": "k",
        "қ": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "ң": "n",
        "о": "o",
        "ө": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ұ": "u",
        "ү": "u",
        "ӯ": "u",
        "ў": "u",
        "ф": "f",
        "х": "h",
        "ҳ": "h",
        "һ": "h",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "sh",
        "ъ": "",
        "ь": "",
        "ю": "iu",
        "я": "ia",
    }
)
_MARKS = re.compile(r"[\u0300-\u036f]")
_DOUBLED = re.compile(r"(.)\1+")
_SKELETON_LETTERS = re.compile(r"^[a-z]+$")


def skeleton(word: str) -> str:
    """The cross-script key of one lower-case word ("" if it has letters of neither
    Cyrillic nor Latin script): 'джамшед', 'ҷамшед' and 'jamshed' give 'jamshed'."""
    word = word.casefold().replace("дж", "j")
    word = word.translate(_CYRILLIC).translate(_LATIN_SPECIAL)
    # Decomposed, the marks of ä ö ü ğ á ... fall off their base letters.
    word = _MARKS.sub("", unicodedata.normalize("NFD", word))
    # Passports write a word-initial Е as "Ye" (Yevgeniy, Yerlan): the Y is not a letter
    # of the Cyrillic name.
    if word.startswith("ye"):
        word = word[1:]
    word = _LATIN_GROUP.sub(lambda m: _LATIN_KEYS[m.group(0)], word)
    word = word.translate(_LATIN_SINGLE)
    word = _DOUBLED.sub(r"\1", word)
    return word if _SKELETON_LETTERS.match(word) else ""


# --- Kazakh case endings on names --------------------------------------------------
# Only endings spelt with a letter Russian does not have (ң, ғ, қ), so that no Russian
# word loses a real ending: genitive -ның/-нің/-дың/-дің/-тың/-тің, dative -ға/-қа.
_KAZAKH_ENDING = re.compile(r"^(.{3,}?)(?:[нтд][ыі]ң|[ғқ]а)$")


def kazakh_base(word: str) -> str | None:
    """The word without a Kazakh genitive or dative ending, or None when it has none:
    'құрманғалиұлының' -> 'құрманғалиұлы'."""
    found = _KAZAKH_ENDING.match(word)
    return found.group(1) if found else None


# --- case numbers -------------------------------------------------------------------
# A case number typed on a Russian keyboard: К-2025-001 with a Cyrillic К, or dashes of
# another width.
_NUMBER_LOOKALIKES = str.maketrans({"К": "K", "к": "K", "k": "K", "–": "-", "—": "-", "‑": "-"})


def case_number(text: str) -> str:
    """A typed case number in the form the register gives it ('K-2025-001')."""
    return "".join(unicodedata.normalize("NFKC", text).translate(_NUMBER_LOOKALIKES).split())


_NAME_WORD = re.compile(r"[^\W\d_]+")


def name_skeleton(full_name: str) -> str:
    """The cross-script key of a full name: its words' skeletons, sorted, because
    documents disagree on the order ('RAKHIMOV JAMSHED', 'Джамшед Рахимов')."""
    text = unicodedata.normalize("NFKC", full_name).casefold()
    text = re.sub("['’ʼʻ`´]", "", text)
    keys = [skeleton(word) for word in _NAME_WORD.findall(text)]
    return " ".join(sorted(key for key in keys if key))
