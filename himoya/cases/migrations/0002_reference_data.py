from django.db import migrations


def load(apps, schema_editor):
    from himoya.reference.vocab_data import load_reference_data

    load_reference_data(
        apps.get_model("cases", "Term"), apps.get_model("cases", "Region"), outcomes=False
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
