"""Search words kept out of URLs and out of the audit chain in clear.

Words typed into a search box are often a person's name. A URL is kept by the reverse
proxy's access log, the browser's history and whatever the browser syncs, so a search
is posted; the page keeps its words in the session under a random token, and its links
(pages, sorting, exports, the address pushed into the history) carry only the token.
The session row is readable by anyone who reads the database, so the words are stored
encrypted under the data keys, bound to that use. A token means nothing outside the
session that made it, and ends with it (30 idle minutes).

The audit chain never stores the words either: ``query_fingerprint`` is a keyed hash of
the normalised query under a sub-key of the index key and the organisation, so an
investigator holding the keys can confirm "was this the query?" and a reader of the
chain without them learns nothing, nor can link one query across organisations.
"""

from __future__ import annotations

import secrets
from typing import Any

from himoya.core.crypto import (
    DecryptionError,
    blind_index,
    decrypt,
    derive_key,
    encrypt,
    normalise_text,
)

SESSION_KEY = "himoya_searches"
# How many searches a session remembers (newest kept): enough for a few open tabs.
KEPT = 20
_CONTEXT = "session.search"


def remember(session: Any, words: str) -> str:
    """The token under which ``session`` keeps ``words`` (the same token for the same
    words, so a search re-posted with other filters keeps its address)."""
    kept: dict[str, str] = dict(session.get(SESSION_KEY) or {})
    for token, sealed in kept.items():
        if _open(sealed) == words:
            return token
    token = secrets.token_urlsafe(12)
    kept[token] = encrypt(words, context=_CONTEXT)
    # dicts keep insertion order: drop the oldest
    session[SESSION_KEY] = dict(list(kept.items())[-KEPT:])
    return token


def recall(session: Any, token: str | None) -> str | None:
    """The words ``session`` keeps under ``token``; None when it keeps none (another
    session's token, an expired session, a key no longer held)."""
    if not token:
        return None
    sealed = (session.get(SESSION_KEY) or {}).get(token)
    return _open(sealed) if isinstance(sealed, str) else None


def _open(sealed: str) -> str | None:
    try:
        return decrypt(sealed, context=_CONTEXT)
    except DecryptionError:
        return None


def query_fingerprint(organisation_id: Any, words: str) -> str:
    """A keyed hash of the normalised ``words`` for the audit chain (see above)."""
    key = derive_key(f"audit-query:{organisation_id}")
    return blind_index(normalise_text(words), purpose="audit-query", key=key)
