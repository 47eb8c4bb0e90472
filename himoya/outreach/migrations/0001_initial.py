"""Publication, which lived in ``cases`` until its migration 0006.

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
                    name='Publication',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('external_id', models.CharField(max_length=100)),
                        ('published_on', models.DateField(verbose_name='published')),
                        ('language', models.CharField(max_length=2, verbose_name='language')),
                        ('title', models.CharField(max_length=500, verbose_name='title')),
                        ('kind', models.CharField(blank=True, choices=[('article', 'article'), ('video', 'video'), ('radio', 'radio'), ('tv', 'television'), ('social', 'social media'), ('report', 'report'), ('other', 'other')], max_length=10, verbose_name='kind')),
                        ('url', models.URLField(blank=True, max_length=500, verbose_name='link')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='publications', to='accounts.organisation')),
                    ],
                    options={
                        'db_table': 'cases_publication',
                        'ordering': ['-published_on'],
                        'indexes': [models.Index(fields=['organisation', 'published_on'], name='pub_org_date')],
                        'constraints': [models.UniqueConstraint(fields=('organisation', 'external_id'), name='publication_external_unique')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
