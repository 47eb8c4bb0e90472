"""On PostgreSQL, the token array of each search document and its GIN index.

The model does not declare the column (see himoya/search/models.py); on other databases
this migration does nothing and the postings table serves instead.
"""

from django.db import migrations

FORWARD = """
ALTER TABLE search_searchdocument ADD COLUMN IF NOT EXISTS tokens bigint[] NOT NULL DEFAULT '{}';
-- Random 64-bit numbers do not compress: store long arrays out of line without trying.
ALTER TABLE search_searchdocument ALTER COLUMN tokens SET STORAGE EXTERNAL;
-- Finer statistics on the array elements, so the planner of filter_queryset() callers
-- knows frequent words from rare ones.
ALTER TABLE search_searchdocument ALTER COLUMN tokens SET STATISTICS 1000;
CREATE INDEX IF NOT EXISTS search_document_tokens ON search_searchdocument
    USING gin (tokens) WITH (fastupdate = on, gin_pending_list_limit = 1024);
"""

BACKWARD = """
DROP INDEX IF EXISTS search_document_tokens;
ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS tokens;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(forward, backward, elidable=False)]
