"""Term, Region, Facility and Partner, which lived in ``cases`` until its migration
0006.

The tables keep their names (``cases_...``): this migration only tells Django's state
that the models live here now (``SeparateDatabaseAndState``, nothing done to the
database), so an existing database moves over without copying a row; on a fresh
database, ``cases`` 0001-0005 have made the tables already.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cases', '0005_appeal_counts'),
        ('accounts', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Partner',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=300, verbose_name='name')),
                        ('offers_legal', models.BooleanField(default=False, verbose_name='legal aid')),
                        ('offers_medical', models.BooleanField(default=False, verbose_name='medical rehabilitation')),
                        ('offers_psychological', models.BooleanField(default=False, verbose_name='psychological rehabilitation')),
                        ('country', models.CharField(blank=True, max_length=2, verbose_name='country')),
                        ('contact', models.CharField(blank=True, max_length=300, verbose_name='contact')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='partners', to='accounts.organisation')),
                    ],
                    options={
                        'verbose_name': 'partner organisation',
                        'verbose_name_plural': 'partner organisations',
                        'db_table': 'cases_partner',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='Region',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('country', models.CharField(db_index=True, max_length=2, verbose_name='country')),
                        ('code', models.CharField(blank=True, max_length=12, verbose_name='code')),
                        ('name_ru', models.CharField(max_length=120, verbose_name='name (Russian)')),
                        ('name_kk', models.CharField(blank=True, max_length=120, verbose_name='name (Kazakh)')),
                        ('name_tg', models.CharField(blank=True, max_length=120, verbose_name='name (Tajik)')),
                        ('name_en', models.CharField(blank=True, max_length=120, verbose_name='name (English)')),
                        ('source', models.CharField(blank=True, max_length=300, verbose_name='source')),
                        ('verified', models.BooleanField(default=False, verbose_name='verified')),
                    ],
                    options={
                        'verbose_name': 'region',
                        'verbose_name_plural': 'regions',
                        'db_table': 'cases_region',
                        'ordering': ['country', 'name_ru'],
                        'constraints': [models.UniqueConstraint(fields=('country', 'name_ru'), name='region_name_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='Term',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('vocabulary', models.CharField(db_index=True, max_length=30, verbose_name='vocabulary')),
                        ('code', models.SlugField(max_length=40, verbose_name='code')),
                        ('label_ru', models.CharField(max_length=200, verbose_name='label (Russian)')),
                        ('label_kk', models.CharField(blank=True, max_length=200, verbose_name='label (Kazakh)')),
                        ('label_tg', models.CharField(blank=True, max_length=200, verbose_name='label (Tajik)')),
                        ('label_en', models.CharField(blank=True, max_length=200, verbose_name='label (English)')),
                        ('bit', models.PositiveSmallIntegerField(blank=True, null=True)),
                        ('active', models.BooleanField(default=True, verbose_name='in use')),
                        ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                        ('source', models.CharField(blank=True, max_length=300, verbose_name='source')),
                        ('verified', models.BooleanField(default=False, verbose_name='verified')),
                    ],
                    options={
                        'verbose_name': 'vocabulary term',
                        'verbose_name_plural': 'vocabulary terms',
                        'db_table': 'cases_term',
                        'ordering': ['vocabulary', 'order', 'code'],
                        'constraints': [models.UniqueConstraint(fields=('vocabulary', 'code'), name='term_code_unique'), models.UniqueConstraint(fields=('vocabulary', 'bit'), name='term_bit_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='Facility',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=300, verbose_name='name')),
                        ('country', models.CharField(db_index=True, max_length=2, verbose_name='country')),
                        ('address', models.CharField(blank=True, max_length=300, verbose_name='address')),
                        ('source', models.CharField(blank=True, max_length=300, verbose_name='source')),
                        ('verified', models.BooleanField(default=False, verbose_name='verified')),
                        ('region', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='reference.region', verbose_name='region')),
                        ('agency', models.ForeignKey(blank=True, limit_choices_to={'vocabulary': 'agency'}, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.term', verbose_name='managing agency')),
                        ('type', models.ForeignKey(blank=True, limit_choices_to={'vocabulary': 'facility_type'}, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.term', verbose_name='type')),
                    ],
                    options={
                        'verbose_name': 'place of detention',
                        'verbose_name_plural': 'places of detention',
                        'db_table': 'cases_facility',
                        'ordering': ['country', 'name'],
                        'constraints': [models.UniqueConstraint(fields=('country', 'name'), name='facility_name_unique')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
