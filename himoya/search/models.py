"""Storage of the blind token index (docs/search.md).

``SearchDocument``: one row per indexed object (its owner), with the organisation for
pre-filtering. Searches list the newest owners (highest ids) first among equals; the
unique index on (owner type, owner id) serves that order.

Where the tokens live depends on the database:

* PostgreSQL: a ``tokens bigint[]`` column on ``search_searchdocument`` with a GIN index,
  added by migration 0002 on PostgreSQL only. The model does not declare it (Django has
  no portable array field), so the ORM never reads or writes it: ``services.py`` writes it
  and ``selectors.py`` queries it with SQL, and nothing else touches it. A row created
  through the ORM gets ``'{}'`` (no tokens: it matches nothing).
* SQLite (and any other database): ``Posting`` rows, one per (document, token), with an
  index on (token, document). On PostgreSQL the table exists and stays empty.
"""

from __future__ import annotations

from django.db import models

from himoya.search.tokens import SCHEME


class SearchDocument(models.Model):
    owner_type = models.CharField(max_length=100)  # "app_label.model", e.g. "cases.case"
    owner_id = models.BigIntegerField()
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    updated_at = models.DateTimeField()  # when indexed, or the time the owner passed
    # The tokeniser version the tokens were made with (tokens.SCHEME); older rows need
    # re-indexing.
    scheme = models.PositiveSmallIntegerField(default=SCHEME)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner_type", "owner_id"], name="search_document_owner_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner_type}#{self.owner_id}"


class Posting(models.Model):
    """One token of one document (SQLite's inverted index)."""

    document = models.ForeignKey(
        SearchDocument, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    token = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "token"], name="search_posting_unique")
        ]
        indexes = [models.Index(fields=["token", "document"], name="search_posting_token")]

    def __str__(self) -> str:
        return f"{self.document_id}:{self.token}"
