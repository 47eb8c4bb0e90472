"""Ships the vocabulary of methods of torture that the allegation interview records
(unverified until a steward checks it against the Istanbul Protocol)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from himoya.reference.vocab_data import load_methods

    load_methods(apps.get_model("reference", "Term"))


def backwards(apps, schema_editor):
    # Terms stay: an interview may already name them.
    pass


class Migration(migrations.Migration):
    dependencies = [("reference", "0005_medical_care_wording")]
    operations = [migrations.RunPython(forwards, backwards)]
