from typing import Any

from django.db import migrations

import himoya.core.filefields
from himoya.core.filefields import FileSpec, bind_files


def bind_uploads(apps: Any, schema_editor: Any) -> None:
    """Uploaded registers still kept (jobs not yet finished) are rewritten bound to their
    job (its key and organisation), as ``cases.0013`` does for scanned letters."""
    job = apps.get_model("imports", "importjob")
    spec = FileSpec(
        table=job._meta.db_table,
        label="imports.importjob",
        field="file",
        column="file",
        scope=["organisation_id"],
    )
    bind_files(spec, bind=True)


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0004_import_job_trainings"),
    ]

    atomic = False

    operations = [
        migrations.AlterField(
            model_name="importjob",
            name="file",
            field=himoya.core.filefields.BoundFileField(blank=True, upload_to="imports/%Y/"),
        ),
        migrations.RunPython(bind_uploads, migrations.RunPython.noop),
    ]
