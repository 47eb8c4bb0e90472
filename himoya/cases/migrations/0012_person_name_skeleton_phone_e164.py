from typing import Any

from django.db import migrations

import himoya.core.fields
from himoya.core import phones
from himoya.core.folding import name_skeleton
from himoya.core.rebind import Index, TableSpec, rebind_table

# The person table as this migration knows it: its ciphertexts row-bound (cases.0008),
# and the two indexes this migration fills or changes.
PERSON = TableSpec(
    table="cases_person",
    label="cases.person",
    columns=["full_name", "phone"],
    scope=["organisation_id"],
    indexes=[
        Index(
            "name_skeleton_index", "full_name", name_skeleton, "cases.person.full_name.skeleton"
        ),
        # Was the digits with a leading 8 read as 7; now E.164 in the organisation's country.
        Index("phone_index", "phone", phones.index_normal, "cases.person.phone"),
    ],
    organisation="organisation_id",
)


def reindex(apps: Any, schema_editor: Any) -> None:
    """Fills the name skeleton index and recomputes the phone index of every person, in
    locked batches. Needs the data keys and the index key, as the application does."""
    rebind_table(PERSON, reindex=True, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_outcome_vocabulary"),
    ]

    atomic = False  # one transaction per batch

    operations = [
        migrations.AddField(
            model_name="person",
            name="name_skeleton_index",
            field=himoya.core.fields.BlindIndexField(
                purpose="cases.person.full_name.skeleton", source="full_name"
            ),
        ),
        migrations.RunPython(reindex, migrations.RunPython.noop, elidable=False),
    ]
