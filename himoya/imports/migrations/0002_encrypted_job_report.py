"""An import job's file name and report are encrypted (issue 7, finding 6): the columns
become text and the rows already stored are encrypted in place."""

from typing import Any

from django.db import migrations

import himoya.core.fields
from himoya.core import crypto

FILENAME = "imports.importjob.filename"
ERRORS = "imports.importjob.errors"


def encrypt_rows(apps: Any, schema_editor: Any) -> None:
    # Plain SQL: the historical model already decrypts these columns.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, filename, errors FROM cases_importjob ORDER BY id FOR UPDATE")
        rows = cursor.fetchall()
        cursor.executemany(
            "UPDATE cases_importjob SET filename = %s, errors = %s WHERE id = %s",
            [
                (
                    crypto.encrypt(filename or "", context=FILENAME),
                    # jsonb's text form is JSON; stored as the field encodes it.
                    crypto.encrypt(errors or "[]", context=ERRORS),
                    pk,
                )
                for pk, filename, errors in rows
                if not (filename or "").startswith(f"{crypto.TOKEN_PREFIX}:")
            ],
        )


def decrypt_rows(apps: Any, schema_editor: Any) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, filename, errors FROM cases_importjob ORDER BY id FOR UPDATE")
        rows = cursor.fetchall()
        cursor.executemany(
            "UPDATE cases_importjob SET filename = %s, errors = %s WHERE id = %s",
            [
                (
                    crypto.decrypt(filename, context=FILENAME)[:200],
                    crypto.decrypt(errors, context=ERRORS),
                    pk,
                )
                for pk, filename, errors in rows
            ],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="importjob",
            name="errors",
            field=himoya.core.fields.EncryptedJSONField(blank=True, default=list),
        ),
        migrations.AlterField(
            model_name="importjob",
            name="filename",
            field=himoya.core.fields.EncryptedCharField(blank=True, max_length=200),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows),
    ]
