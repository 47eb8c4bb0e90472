"""Loads the templates added to himoya/letters/shipped.py after 0002 (complaints, requests,
the cover letter, the UN communication and urgent appeal, in each of their languages);
``load_shipped`` adds only what is missing, so rows the stewards changed stay as they are."""

from django.db import migrations


def load(apps, schema_editor):
    from himoya.letters.shipped import load_shipped

    load_shipped(apps.get_model("letters", "Recipient"), apps.get_model("letters", "LetterTemplate"))


class Migration(migrations.Migration):
    dependencies = [("letters", "0006_letter_generation_and_batches")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
