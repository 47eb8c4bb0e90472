"""A covering index for the rehabilitation part of the yearly statistics.

Rehabilitation is counted over the appeals whose rehabilitation started in the year:
a few per cent of all appeals, spread over the whole table. This partial index holds
every column that count reads, so it is an index-only scan instead of a visit to one
heap page per appeal. Raw SQL (INCLUDE is PostgreSQL's), so it is not part of the
models' state; SQLite gets the same columns as index keys.
"""

from django.db import migrations

NAME = "appeal_rehab_stats"
POSTGRESQL = f"""
CREATE INDEX IF NOT EXISTS {NAME} ON cases_appeal (organisation_id, rehabilitation_started_on)
INCLUDE (id, victim_id, victim_sex, victim_minor)
WHERE rehabilitation_started_on IS NOT NULL
"""
OTHER = f"""
CREATE INDEX IF NOT EXISTS {NAME} ON cases_appeal
(organisation_id, rehabilitation_started_on, victim_id, victim_sex, victim_minor)
WHERE rehabilitation_started_on IS NOT NULL
"""


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute(POSTGRESQL if vendor == "postgresql" else OTHER)


def backward(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_import_jobs")]
    operations = [migrations.RunPython(forward, backward)]
