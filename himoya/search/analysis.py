"""From plaintext to search terms: normalisation, words, stop words, stems.

Nothing here knows about keys or the database; ``tokens.py`` turns terms into blind
tokens. The same functions run at index time and at query time, which is what makes
stemming safe: a word always yields the same terms, so an exact match is never lost.

Rules (docs/search.md explains the reasons):

* NFKC, combining marks that NFKC leaves over (stress accents) dropped, casefold,
  ``ё`` -> ``е``, apostrophes dropped (``don't`` -> ``dont``, ``oʻzbek`` -> ``ozbek``).
* Words are runs of letters or runs of digits (``2024г`` -> ``2024``, ``г``); words of one
  character, longer than ``MAX_WORD`` characters, or in the stop-word lists are dropped.
* A word mixing Cyrillic and Latin letters has its Latin look-alikes (a c e o p x y k)
  turned Cyrillic: a common typing slip that would otherwise hide the word.
* Cyrillic words: Kazakh and Tajik letters folded to their Russian-keyboard substitutes
  (қ -> к, ҷ -> ч, ...), the Russian Snowball stemmer, then a fleeting-vowel fold
  (``пыток`` -> ``пытк``, ``отец`` -> ``отц``). Surnames in -ов/-ев, which the stemmer
  cuts to nonsense in the nominative (``алиев`` -> ``ал``), also yield their base
  (``алиев``) as a second stem.
* Short participles (``избит``, ``задержан``), which Snowball cuts further than their
  long forms (``избит`` -> ``изб``, ``избитый`` -> ``избит``), also yield themselves.
* Kazakh genitive and dative endings spelt with a Kazakh letter (``-ның``, ``-ға``...)
  also yield the stems of the word without them (``Құрманғалиұлының``).
* Latin words: the English Snowball stemmer. Other scripts: the word itself.
* Every word of letters has a cross-script skeleton (``core.folding``): ``Джамшед``,
  ``Ҷамшед`` and ``Jamshed`` share one. ``tokens.py`` indexes it for names only.
* Digit runs: the digits themselves (case numbers, years, document numbers).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import snowballstemmer

from himoya.core.folding import kazakh_base, skeleton

MAX_WORD = 64

_APOSTROPHES = re.compile("['’ʼʻ`´]")
_WORD = re.compile(r"[^\W\d_]+|\d+")
# Combining marks that NFKC leaves alone: stress accents and the like (Latin, Cyrillic,
# and the general blocks).
_MARKS = re.compile("[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff]")
_ASCII_LETTER = re.compile("[a-z]")
_CYRILLIC = re.compile("[\u0400-\u052f]")

# Latin letters that look like Cyrillic ones, for words typed with both alphabets.
_HOMOGLYPHS = str.maketrans("aceopxyk", "асеорхук")
# Kazakh and Tajik letters and the Russian letters typed in their place without a
# Kazakh or Tajik keyboard. Used for stems only; the exact form keeps the letter.
_KK_TG_FOLD = str.maketrans(
    {
        "ә": "а",
        "ғ": "г",
        "қ": "к",
        "ң": "н",
        "ө": "о",
        "ұ": "у",
        "ү": "у",
        "һ": "х",
        "і": "и",
        "ӣ": "и",
        "ӯ": "у",
        "ҳ": "х",
        "ҷ": "ч",
        "ў": "у",
    }
)

_CONSONANTS = "бвгджзйклмнпрстфхцчшщ"
# A vowel that appears in some forms only: пыток/пытка, отец/отца, песок/песка.
_FLEETING = re.compile(rf"^(.+[{_CONSONANTS}])[ое]([кц])$")
# Surnames in -ов/-ев with their case endings: Иванов, Иванова, Ивановым, Алиеву.
_SURNAME = re.compile(r"^(.{2,}[ое]в)(?:а|у|ым|ом|е|ой|ою|ых|ыми|ы)?$")
# Masculine short participles: избит, убит, задержан, брошен, обут.
_SHORT_PARTICIPLE = re.compile(r"^.{3,}(?:[иыу]т|[аяе]н)$")

# Short lists of function words that carry nothing for search. Kept short on purpose:
# a word wrongly listed here can never be found.
_RU_STOP = (
    "и в во не на с со что как а но да или к ко у по за из от до о об для при под над без "
    "же ли бы то это этот эта эти он она оно они его ее их был была было были быть"
)
_KK_STOP = "және мен бен пен да де та те бұл осы сол ол олар үшін деп еді ма ме"
_TG_STOP = "ва дар аз ба бо ки ин он онҳо то ҳам низ барои аст буд"
_EN_STOP = (
    "the and or of to in on at by for with from as is are was were be been it its this that "
    "these those he she they his her their not an"
)
STOP_WORDS: dict[str, frozenset[str]] = {
    "ru": frozenset(_RU_STOP.split()),
    "kk": frozenset(_KK_STOP.split()),
    "tg": frozenset(_TG_STOP.split()),
    "en": frozenset(_EN_STOP.split()),
}
_STOP = frozenset().union(*STOP_WORDS.values())
_STOP = _STOP | frozenset(w.translate(_KK_TG_FOLD) for w in _STOP)


@dataclass(frozen=True)
class Term:
    """One normalised word: its exact form and the stems it is found by."""

    exact: str
    stems: tuple[str, ...]
    numeric: bool = False
    # The cross-script key of the word (names only, see tokens.py); "" if none.
    skeleton: str = ""


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = _MARKS.sub("", text)
    return _APOSTROPHES.sub("", text.casefold().replace("ё", "е"))


def _is_latin(ch: str) -> bool:
    return ch.isascii() or "\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff"


def words(text: str) -> list[str]:
    """The indexable words of ``text``, normalised, in order (repeats included)."""
    found = []
    for word in _WORD.findall(normalise(text)):
        if len(word) < 2 or len(word) > MAX_WORD:
            continue
        if not word.isascii() and _ASCII_LETTER.search(word) and _CYRILLIC.search(word):
            word = word.translate(_HOMOGLYPHS)
        if word not in _STOP:
            found.append(word)
    return found


def worth_keeping(word: str) -> bool:
    """Whether a word's analysis is worth caching for a batch: not for numbers longer
    than 4 digits (case, register and document numbers), which are mostly met once;
    years and other short numbers are few (at most 11,110)."""
    return len(word) <= 4 or not word.isdigit()


class Analyser:
    """Stems words. Not thread-safe (the Snowball stemmers keep state): make one per
    call or per batch. ``memo`` caches the terms of words (``worth_keeping``) for the
    analyser's lifetime only, so no plaintext outlives the call that needed it.

    ``snowballstemmer.stemmer`` is PyStemmer's C libstemmer when it is installed (a
    dependency: several times faster), else Snowball's pure-Python port; both give the
    same stems (docs/search.md)."""

    def __init__(self) -> None:
        self._ru = snowballstemmer.stemmer("russian")
        self._en = snowballstemmer.stemmer("english")
        self.memo: dict[str, Term] = {}

    def term(self, word: str) -> Term:
        found = self.memo.get(word)
        if found is None:
            found = self._analyse(word)
            if worth_keeping(word):
                self.memo[word] = found
        return found

    def _analyse(self, word: str) -> Term:
        if word.isdigit():
            return Term(word, (word,), numeric=True)
        if word.isascii() or all(_is_latin(ch) for ch in word):
            return Term(word, (self._en.stemWord(word) or word,), skeleton=skeleton(word))
        if not _CYRILLIC.search(word):
            return Term(word, (word,))
        stems = self._cyrillic_stems(word)
        base = kazakh_base(word)
        if base:
            stems |= self._cyrillic_stems(base)
        return Term(word, tuple(sorted(stems)), skeleton=skeleton(base or word))

    def _cyrillic_stems(self, word: str) -> set[str]:
        folded = word.translate(_KK_TG_FOLD)
        stem = self._ru.stemWord(folded) or folded
        stems = {_FLEETING.sub(r"\1\2", stem)}
        surname = _SURNAME.match(folded)
        if surname:
            stems.add(surname.group(1))
        if _SHORT_PARTICIPLE.match(folded):
            stems.add(folded)
        return stems
