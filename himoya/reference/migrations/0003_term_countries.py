import django.contrib.postgres.fields
from django.db import migrations, models


def load_outcomes(apps, schema_editor):
    from himoya.reference.vocab_data import load_outcomes

    load_outcomes(apps.get_model("reference", "Term"))


class Migration(migrations.Migration):
    dependencies = [("reference", "0002_steward")]

    operations = [
        migrations.AddField(
            model_name="term",
            name="countries",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=2),
                blank=True,
                default=list,
                help_text="Countries where this term applies; empty means every country.",
                size=None,
                verbose_name="countries",
            ),
        ),
        # Outcomes became a vocabulary of terms per country (they were choices in code).
        migrations.RunPython(load_outcomes, migrations.RunPython.noop),
    ]
