"""Term, Region, Facility and Partner move to ``reference``, ImportJob and ImportedCase to
``imports``, AppealCount to ``stats``, Publication to ``outreach``.

State only: the tables keep their names and the foreign key columns and constraints of
cases, appeals, violations, custody records and referrals stay as they are; Django is
told that they now point at the models' new apps. The content types follow the models
(so the admin's history and any permission stay attached); those of a fresh database
are simply created under the new labels.
"""

import django.db.models.deletion
from django.db import migrations, models

MOVED = {
    "term": "reference",
    "region": "reference",
    "facility": "reference",
    "partner": "reference",
    "importjob": "imports",
    "importedcase": "imports",
    "appealcount": "stats",
    "publication": "outreach",
}


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model, app_label in MOVED.items():
        if not ContentType.objects.filter(app_label=app_label, model=model).exists():
            ContentType.objects.filter(app_label="cases", model=model).update(app_label=app_label)


def return_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model, app_label in MOVED.items():
        if not ContentType.objects.filter(app_label="cases", model=model).exists():
            ContentType.objects.filter(app_label=app_label, model=model).update(app_label="cases")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_appeal_counts"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("imports", "0001_initial"),
        ("outreach", "0001_initial"),
        ("reference", "0001_initial"),
        ("stats", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='violation',
                    name='facility',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='reference.facility', verbose_name='place'),
                ),
                migrations.AlterField(
                    model_name='case',
                    name='facility',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='reference.facility', verbose_name='place'),
                ),
                migrations.AlterField(
                    model_name='custodyrecord',
                    name='facility',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='reference.facility', verbose_name='place'),
                ),
                migrations.AlterField(
                    model_name='referral',
                    name='partner',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='reference.partner', verbose_name='partner'),
                ),
                migrations.AlterField(
                    model_name='case',
                    name='region',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='reference.region', verbose_name='region'),
                ),
                migrations.AlterField(
                    model_name='appeal',
                    name='channel',
                    field=models.ForeignKey(limit_choices_to={'vocabulary': 'channel'}, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.term', verbose_name='channel'),
                ),
                migrations.AlterField(
                    model_name='case',
                    name='agency',
                    field=models.ForeignKey(blank=True, limit_choices_to={'vocabulary': 'agency'}, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.term', verbose_name='alleged perpetrator agency'),
                ),
                migrations.AlterField(
                    model_name='appeal',
                    name='agency',
                    field=models.ForeignKey(limit_choices_to={'vocabulary': 'agency'}, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.term'),
                ),
                migrations.AlterField(
                    model_name='violation',
                    name='type',
                    field=models.ForeignKey(limit_choices_to={'vocabulary': 'violation'}, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.term', verbose_name='type'),
                ),
                # Referring models first: a model leaves the state after whatever points at it.
                migrations.DeleteModel(name="ImportedCase"),
                migrations.DeleteModel(name="ImportJob"),
                migrations.DeleteModel(name="AppealCount"),
                migrations.DeleteModel(name="Publication"),
                migrations.DeleteModel(name="Partner"),
                migrations.DeleteModel(name="Facility"),
                migrations.DeleteModel(name="Region"),
                migrations.DeleteModel(name="Term"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, return_content_types),
    ]
