"""Loads the recipients and templates of himoya/letters/shipped.py (from
../shared/domain.md) as data the stewards edit afterwards."""

from django.db import migrations


def load(apps, schema_editor):
    from himoya.letters.shipped import load_shipped

    load_shipped(apps.get_model("letters", "Recipient"), apps.get_model("letters", "LetterTemplate"))


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_letters")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
