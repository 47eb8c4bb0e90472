from typing import Any

from django.db import migrations

import himoya.core.filefields
from himoya.core.filefields import FileSpec, bind_files


def bind_letters(apps: Any, schema_editor: Any) -> None:
    """Every scanned letter already stored is rewritten bound to its appeal (its key and
    organisation). Needs the data keys and the stored files, as the application does;
    a letter the storage lacks is left as it is (it could not be read before either)."""
    appeal = apps.get_model("cases", "appeal")
    spec = FileSpec(
        table=appeal._meta.db_table,
        label="cases.appeal",
        field="attachment",
        column="attachment",
        scope=["organisation_id"],
    )
    bind_files(spec, bind=True)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_person_name_skeleton_phone_e164"),
    ]

    # Files cannot roll back with a transaction; each file is replaced atomically and a
    # run that stops half-way is resumed (bound files are skipped).
    atomic = False

    operations = [
        migrations.AlterField(
            model_name="appeal",
            name="attachment",
            field=himoya.core.filefields.BoundFileField(
                blank=True, upload_to="appeals/%Y/", verbose_name="scanned letter"
            ),
        ),
        migrations.RunPython(bind_letters, migrations.RunPython.noop),
    ]
