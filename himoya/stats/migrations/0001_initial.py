"""AppealCount, which lived in ``cases`` until its migration 0006 (the pending table,
its triggers and functions, made by cases 0005 in SQL, were never in Django's state and
stay where they are).

The tables keep their names (``cases_...``): this migration only tells Django's state
that the models live here now (``SeparateDatabaseAndState``, nothing done to the
database), so an existing database moves over without copying a row; on a fresh
database, ``cases`` 0001-0005 have made the tables already.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cases', '0005_appeal_counts'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AppealCount',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('organisation_id', models.BigIntegerField()),
                        ('year', models.SmallIntegerField()),
                        ('part', models.SmallIntegerField()),
                        ('agency_id', models.BigIntegerField(default=0)),
                        ('channel_id', models.BigIntegerField(default=0)),
                        ('country', models.CharField(default='', max_length=2)),
                        ('violation_mask', models.BigIntegerField(default=0)),
                        ('legal_aid', models.BooleanField(default=False)),
                        ('victim_minor', models.BooleanField(default=False)),
                        ('victim_sex', models.CharField(default='', max_length=8)),
                        ('n', models.BigIntegerField()),
                    ],
                    options={
                        'db_table': 'cases_appealcount',
                        'constraints': [models.UniqueConstraint(fields=('organisation_id', 'year', 'part', 'agency_id', 'channel_id', 'country', 'violation_mask', 'legal_aid', 'victim_minor', 'victim_sex'), name='appealcount_key')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
