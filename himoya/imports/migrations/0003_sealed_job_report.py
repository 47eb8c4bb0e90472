"""An import job's file name and report are bound to their row and organisation, as every
encrypted value is (issue 7, finding 3): the key comes from the sequence before the insert,
and the values encrypted by 0002 (bound to their column only) are rebound."""

from typing import Any

from django.db import migrations

import himoya.core.fields
from himoya.core.rebind import TableSpec, rebind_table


def rebind(apps: Any, schema_editor: Any) -> None:
    model = apps.get_model("imports", "importjob")
    rebind_table(
        TableSpec(
            table=model._meta.db_table,
            label="imports.importjob",
            columns=["filename", "errors"],
            scope=["organisation_id"],
            organisation="organisation_id",
        ),
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0002_encrypted_job_report"),
    ]

    atomic = False  # one transaction per batch

    operations = [
        migrations.AlterField(
            model_name="importjob",
            name="id",
            field=himoya.core.fields.SealedAutoField(primary_key=True, serialize=False),
        ),
        migrations.RunPython(rebind, migrations.RunPython.noop),
    ]
