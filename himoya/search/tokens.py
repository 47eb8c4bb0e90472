"""Blind tokens: the one place where words become numbers.

A token is the first 8 bytes of HMAC-SHA256, under the search key of the organisation that
owns the document (``search_key``: its sub-key of ``HIMOYA_INDEX_KEY``), of a kind and a
term, read as a signed 64-bit integer (PostgreSQL ``bigint``). One word in two
organisations' documents has two unrelated tokens, so a database reader cannot link them;
a search makes its tokens once per organisation it looks into (``query_terms``). Kinds:

* ``s``: a stem, from any field. Every query word is matched on these.
* ``x``: the exact normalised word, from any field (quoted query words match on it; it
  also ranks an exact form above another form of the same stem).
* ``n`` and ``h``: a stem found in the ``names`` or the ``summary`` field, for ranking.
* ``k``: a word's cross-script skeleton (``core.folding.skeleton``), from the ``names``
  field only: every query word is matched on it as well, so ``Jamshed`` finds
  ``Джамшед``. Kept to names, where transliteration happens, so that the looser key does
  not blur the rest of the text.
* ``b``: the blocks of owner ids the document's owner is in, so that the inverted index
  can select the newest owners (``sql.py``). They say no more than the owner id beside
  them. (Scheme 2 also had an ``o`` token of the organisation; under per-organisation
  keys a document's word tokens already belong to its organisation alone.)

Changing anything that changes tokens (this file, ``analysis.py``, the Snowball stemmers'
version, the key) means re-indexing: bump ``SCHEME`` so stale documents can be found.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from himoya.core import crypto
from himoya.search.analysis import Analyser, Term, words, worth_keeping

# 3: every token under the owning organisation's key (scheme 2: one key for all).
SCHEME = 3

STEM = "s"
EXACT = "x"
NAMES = "n"
SUMMARY = "h"
SKELETON = "k"
BUCKET = "b"
# Field names with tokens of their own, and their weight in ranking (other fields: 1).
FIELD_KINDS = {"names": NAMES, "summary": SUMMARY}
FIELD_WEIGHTS = {NAMES: 3, SUMMARY: 2}

MAX_QUERY_TERMS = 16
# Double quotes of several kinds mark words to match in their exact form.
_QUOTED = re.compile(r"[\"«“„]([^\"«»“”„]*)[\"»”“]?")


def search_key(organisation_id: int | None) -> bytes:
    """The key of the search tokens of one organisation's documents (``None``: of
    documents of no organisation): derived like its blind-index key."""
    return crypto.organisation_key(organisation_id, "search-token")


def token(key: bytes, kind: str, term: str) -> int:
    """The blind token of ``term`` (already normalised) of the given kind."""
    digest = hmac.new(key, f"{kind}\x1f{term}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


# --- scope tokens ------------------------------------------------------------------
# Not secret (the owner id beside the tokens says the same); they let the GIN scan do
# the filtering by age (see sql.py). Under the organisation's key like the rest, so a
# document holds no token in common with another organisation's.

# Owners in blocks of 4,096, 32,768 and 262,144 consecutive ids: the newest blocks are
# the "recent" bands of a search, whatever the dates (an import of a million old cases
# on one day still spreads over many blocks).
BUCKET_SHIFTS = (12, 15, 18)


@functools.lru_cache(maxsize=4096)
def plain_token(key: bytes, kind: str, value: str) -> int:
    """A token of a value that is not secret (a block number): safe to cache."""
    return token(key, kind, value)


def bucket_token(key: bytes, level: int, bucket: int) -> int:
    return plain_token(key, BUCKET, f"{level}:{bucket}")


def meta_tokens(key: bytes, *, owner_id: int) -> list[int]:
    return [
        bucket_token(key, level, owner_id >> shift) for level, shift in enumerate(BUCKET_SHIFTS)
    ]


# --- documents and queries -----------------------------------------------------------


@dataclass(frozen=True)
class QueryTerm:
    """One query word as tokens, under one key or several (``query_terms``). A document
    matches the word if it holds any of ``match``; ``names``, ``summary`` and ``exact``
    only rank."""

    match: tuple[int, ...]
    names: tuple[int, ...]
    summary: tuple[int, ...]
    exact: tuple[int, ...]


def query_terms(query: str, keys: Sequence[bytes]) -> list[QueryTerm]:
    """The query's words as tokens under every one of ``keys`` (the search keys of the
    organisations searched), each word once, at most ``MAX_QUERY_TERMS``: a word's
    ``match`` holds its tokens under each key. A document holds tokens of its own
    organisation's key only, so "holds one of the word's tokens, for every word" is
    "matches every word under its own organisation's key": one condition, with no OR per
    organisation (a token of another key collides with one of its own about once in
    2^64 pairs, and the organisation column is checked too)."""
    analyser = Analyser()
    tokenisers = [Tokeniser(key, analyser) for key in keys]
    found = []
    for term, exact_only in _query_words(query, analyser):
        parts = [t.query_term(term, exact_only=exact_only) for t in tokenisers]
        found.append(
            QueryTerm(
                match=tuple(x for p in parts for x in p.match),
                names=tuple(x for p in parts for x in p.names),
                summary=tuple(x for p in parts for x in p.summary),
                exact=tuple(x for p in parts for x in p.exact),
            )
        )
    return found


def _query_words(query: str, analyser: Analyser) -> list[tuple[Term, bool]]:
    """The query's analysed words and whether each was quoted, without the words that
    match exactly like an earlier one, at most ``MAX_QUERY_TERMS``."""
    found: dict[tuple[tuple[str, str], ...], tuple[Term, bool]] = {}
    for text, exact_only in _split_quoted(query):
        for word in words(text):
            term = analyser.term(word)
            # What the word is matched on, as (kind, term) pairs: the tokens, before a key.
            match: tuple[tuple[str, str], ...]
            if exact_only:
                match = ((STEM if term.numeric else EXACT, term.exact),)
            else:
                match = tuple((STEM, s) for s in term.stems)
                if term.skeleton:
                    match += ((SKELETON, term.skeleton),)
            found.setdefault(match, (term, exact_only))
    return list(found.values())[:MAX_QUERY_TERMS]


class Tokeniser:
    """Turns text into tokens with one key (one organisation's, ``search_key``) and one
    analyser. Make one per call or per batch of documents (see ``Analyser``); tokenisers
    of several keys may share an analyser."""

    def __init__(self, key: bytes, analyser: Analyser | None = None) -> None:
        self.key = key
        self.analyser = analyser or Analyser()
        # The key's HMAC state, copied for each new term: half the cost of a fresh HMAC.
        self._mac = hmac.new(self.key, digestmod=hashlib.sha256)
        self._tokens: dict[tuple[str, str], int] = {}
        self._words: dict[tuple[str, str | None], tuple[int, ...]] = {}

    def _new_token(self, kind: str, term: str) -> int:
        """``token(self.key, kind, term)``."""
        mac = self._mac.copy()
        mac.update(f"{kind}\x1f{term}".encode())
        return int.from_bytes(mac.digest()[:8], "big", signed=True)

    def _token(self, kind: str, term: str) -> int:
        found = self._tokens.get((kind, term))
        if found is None:
            found = self._tokens[(kind, term)] = self._new_token(kind, term)
        return found

    def _exact(self, term: Term) -> int:
        # A number has no other form: its stem token is its exact token.
        return self._token(STEM if term.numeric else EXACT, term.exact)

    def _word_tokens(self, word: str, kind: str | None) -> tuple[int, ...]:
        term = self.analyser.term(word)
        if term.numeric:
            # Its own stem and exact form (``_exact``); computed afresh, not kept in
            # ``_tokens``: see ``worth_keeping``.
            number = self._new_token(STEM, word)
            return (number, self._new_token(kind, word)) if kind else (number,)
        found = [self._exact(term)]
        for stem in term.stems:
            found.append(self._token(STEM, stem))
            if kind:
                found.append(self._token(kind, stem))
        if kind == NAMES and term.skeleton:
            found.append(self._token(SKELETON, term.skeleton))
        return tuple(found)

    def document_tokens(self, texts: Mapping[str, str | None], *, owner_id: int) -> list[int]:
        """The distinct tokens of a document, sorted. A word repeated is indexed once."""
        found = set(meta_tokens(self.key, owner_id=owner_id))
        memo = self._words
        for field, text in texts.items():
            if not text:
                continue
            kind = FIELD_KINDS.get(field)
            for word in set(words(text)):
                tokens = memo.get((word, kind))
                if tokens is None:
                    tokens = self._word_tokens(word, kind)
                    if worth_keeping(word):
                        memo[(word, kind)] = tokens
                found.update(tokens)
        return sorted(found)

    def query_term(self, term: Term, *, exact_only: bool) -> QueryTerm:
        """One analysed query word under this key. Quoted: its exact form only."""
        exact = self._exact(term)
        stems = term.stems
        names = tuple(self._token(NAMES, s) for s in stems)
        if exact_only:
            match: tuple[int, ...] = (exact,)
        else:
            match = tuple(self._token(STEM, s) for s in stems)
            if term.skeleton:
                # A name written in another script: found in names only.
                found = self._token(SKELETON, term.skeleton)
                match += (found,)
                names += (found,)
        return QueryTerm(
            match=match,
            names=names,
            summary=tuple(self._token(SUMMARY, s) for s in stems),
            exact=(exact,),
        )

    def query_terms(self, query: str) -> list[QueryTerm]:
        """``query_terms(query, [self.key])``."""
        return [
            self.query_term(term, exact_only=exact_only)
            for term, exact_only in _query_words(query, self.analyser)
        ]


def _split_quoted(query: str) -> list[tuple[str, bool]]:
    parts: list[tuple[str, bool]] = []
    pos = 0
    for quoted in _QUOTED.finditer(query):
        parts.append((query[pos : quoted.start()], False))
        parts.append((quoted.group(1), True))
        pos = quoted.end()
    parts.append((query[pos:], False))
    return parts
