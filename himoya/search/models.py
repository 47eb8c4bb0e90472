"""Storage of the blind token index (docs/search.md).

``SearchDocument``: one row per indexed object (its owner), with the organisation for
pre-filtering. Searches list the newest owners (highest ids) first among equals; the
unique index on (owner type, owner id) serves that order.

The tokens live in a ``tokens bigint[]`` column of ``search_searchdocument`` with a GIN
index, added by migration 0002. The model does not declare it, so the ORM never loads the
arrays with a row, nor writes them: ``services.py`` writes the column and ``sql.py`` queries
it, and nothing else touches it. A row created through the ORM gets ``'{}'`` (no tokens: it
matches nothing).
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
