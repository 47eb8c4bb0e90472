"""Full-text search of the legal database in Russian, Kazakh, Tajik and English.

How: every published legal document has one row in ``LegalSearchEntry`` holding a
``tsvector`` of its own stems (``legal_stem``: Snowball for Russian and English, light
suffix stripping for Kazakh and Tajik) and its plain text for excerpts. The vector is
written as a tsvector literal and the query as a tsquery literal, so PostgreSQL's parser
and dictionaries never see the text: the database's locale cannot split Cyrillic words
differently from Python, and no text typed by a visitor ever reaches a tsquery parser
(quotes, ``&``, ``!``, ``:*``, NUL bytes are simply not word characters here). Each
searched word becomes the OR of its stems under the four languages, each stem of four
letters or more with a prefix match (``stem:*``); the words are ANDed.

Considered and not taken: PostgreSQL's ``russian`` configuration (no Kazakh or Tajik;
``simple`` for those finds only the exact form), pg_trgm similarity (finds typing errors
but ranks by character overlap, and its GIN index on 10,000 documents' full text is many
times the size of a tsvector's), and prefix search on the raw words alone (a fixed
prefix length is too short for some words and too long for others).

Recall, measured by ``legal_recall.measure`` (``python -m himoya.public_site.legal_recall``;
``tests/public_site/test_legal_search.py`` prints it) on 5 Dec 2026: each form of a word
as a document and each other form of the same word as the query; a pair counts as found
when the query finds the document. "false" counts matches between forms of different
words. The fixture has five Russian and Tajik words and eight Kazakh ones; two words per
language were added after the stemmer was written and not tuned for, and three Kazakh
ones ("талап", "көмек", "бұйрық") with the consonant alternation and accusative rules
below, chosen to exercise them, and measured before the rules were written:

    language  strategy               pairs  found  recall  false
    ru        simple                    78      0    0.00      0
    ru        russian (PostgreSQL)      78     68    0.87      0
    ru        this search               78     78    1.00      0
    kk        simple                   156      0    0.00      0
    kk        russian (PostgreSQL)     156      2    0.01      0
    kk        this search, before      156    118    0.76      0
    kk        this search              156    156    1.00      0
    tg        simple                    68      0    0.00      0
    tg        russian (PostgreSQL)      68      4    0.06      0
    tg        this search               68     68    1.00      0

"Before" is the stemmer without two Kazakh rules (``legal_stem``): the stem's last
consonant alternating before a vowel ("құқық"/"құқығы", "көмек"/"көмегі",
"талап"/"талабы"), and the accusative "-н" after plural and possessive ("құқықтарын").
Still not handled: possessive and accusative after a bare stem ("заңын", "құқығын"),
ambiguous with stems that end in "-ын" ("тұтқын", "шағын"); prefix matching finds
"заңын" from "заң" but not the other way round. PostgreSQL's ``russian`` misses the
fleeting vowel ("пыток", "жалоб") and every Kazakh and Tajik suffix."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from html import unescape

from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from himoya.public_site.legal_stem import query_stems, stems

# Letters and digits of any script; "_" is a word character to Python, not to a reader.
_WORD = re.compile(r"[^\W_]+")
# A visitor's query is cut here: a search box is not a place for a whole document.
QUERY_CHARS = 500
QUERY_WORDS = 12
# tsvector positions stop at 16,383; a word longer than this is no word to search for.
_MAX_POSITION = 16383
_MAX_WORD = 60
PREFIX_FROM = 4


def words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower().replace("ё", "е")) if len(w) <= _MAX_WORD]


def _lexeme(term: str) -> str:
    # Words are letters and digits only, so a quote or backslash cannot occur; escaped
    # anyway, as the literal's grammar asks.
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def document_vector(title: str, body: str, language: str) -> str:
    """A tsvector literal: the stems of the title (weight A) and of the body (D)."""
    positions: dict[str, list[str]] = {}
    position = 0
    for weight, text in (("A", title), ("", body)):
        for word in words(text):
            position = min(position + 1, _MAX_POSITION)
            for stem in stems(word, language):
                positions.setdefault(stem, []).append(f"{position}{weight}")
    # PostgreSQL keeps at most 256 positions per lexeme.
    return " ".join(f"{_lexeme(stem)}:{','.join(p[:256])}" for stem, p in positions.items())


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[tuple[str, ...], ...]  # per searched word, its stems

    @property
    def tsquery(self) -> str:
        parts = []
        for alternatives in self.terms:
            options = [
                _lexeme(stem) + (":*" if len(stem) >= PREFIX_FROM else "") for stem in alternatives
            ]
            parts.append("(" + " | ".join(options) + ")")
        return " & ".join(parts)

    def __bool__(self) -> bool:
        return bool(self.terms)

    def matches(self, word: str, language: str) -> bool:
        """Whether a word of a document in ``language`` is one the query finds."""
        for stem in stems(word, language):
            for alternatives in self.terms:
                for wanted in alternatives:
                    if stem == wanted or (len(wanted) >= PREFIX_FROM and stem.startswith(wanted)):
                        return True
        return False


def parse(text: str) -> ParsedQuery:
    """Any text at all: what is not a letter or digit separates words."""
    seen: dict[str, None] = {}
    for word in words(text[:QUERY_CHARS]):
        seen.setdefault(word, None)
        if len(seen) == QUERY_WORDS:
            break
    return ParsedQuery(terms=tuple(query_stems(w) for w in seen))


def excerpt(text: str, query: ParsedQuery, language: str, width: int = 28) -> SafeString:
    """About ``width`` words of ``text`` around its first match, matches in <mark>; the
    start of the text when nothing matches (the title may be what matched)."""
    tokens = re.split(r"([^\W_]+)", text)
    # tokens alternate: separator, word, separator, word, ..., separator
    word_indexes = list(range(1, len(tokens), 2))
    first = next(
        (
            n
            for n, i in enumerate(word_indexes)
            if query.matches(tokens[i].lower().replace("ё", "е"), language)
        ),
        0,
    )
    start = max(0, first - width // 3)
    chosen = word_indexes[start : start + width]
    if not chosen:
        return mark_safe("")
    out: list[str] = ["… " if start > 0 else ""]
    for index in range(chosen[0], chosen[-1] + 1):
        token = tokens[index]
        if index % 2 == 1 and query and query.matches(token.lower().replace("ё", "е"), language):
            out.append(f"<mark>{escape(token)}</mark>")
        else:
            out.append(escape(token))
    if start + width < len(word_indexes):
        out.append(" …")
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped


def plain_text(html_parts: Iterable[str]) -> str:
    """Rich text as the words a reader sees (tags dropped, entities read)."""
    return " ".join(unescape(strip_tags(part)) for part in html_parts if part).strip()
