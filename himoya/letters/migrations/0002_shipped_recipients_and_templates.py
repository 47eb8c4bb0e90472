"""Loads the recipients and templates of himoya/letters/shipped.py (from
../shared/domain.md) as data the stewards edit afterwards."""

from pathlib import Path

from django.db import migrations

SHIPPED = Path(__file__).resolve().parent.parent / "fixtures"


def load(apps, schema_editor):
    from himoya.letters.shipped import RECIPIENTS, TEMPLATES

    Recipient = apps.get_model("letters", "Recipient")
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    for row in RECIPIENTS:
        values = dict(row)
        Recipient.objects.update_or_create(
            country=values.pop("country"),
            kind=values.pop("kind"),
            name=values.pop("name"),
            defaults=values,
        )
    for row in TEMPLATES:
        values = dict(row)
        content = (SHIPPED / values.pop("file")).read_bytes()
        if not LetterTemplate.objects.filter(
            code=values["code"], language=values["language"]
        ).exists():
            LetterTemplate.objects.create(version=1, content=content, **values)


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_letters")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
