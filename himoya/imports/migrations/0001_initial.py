"""ImportJob and ImportedCase, which lived in ``cases`` until its migration 0006.

The tables keep their names (``cases_...``): this migration only tells Django's state
that the models live here now (``SeparateDatabaseAndState``, nothing done to the
database), so an existing database moves over without copying a row; on a fresh
database, ``cases`` 0001-0005 have made the tables already.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cases', '0005_appeal_counts'),
        ('accounts', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ImportJob',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('cases', 'case register'), ('publications', 'publications')], default='cases', max_length=14)),
                        ('status', models.CharField(choices=[('validating', 'checking the file'), ('invalid', 'the file has errors'), ('valid', 'ready to import'), ('running', 'importing'), ('done', 'imported'), ('failed', 'failed'), ('cancelled', 'cancelled')], default='validating', max_length=12)),
                        ('file', models.FileField(blank=True, upload_to='imports/%Y/')),
                        ('filename', models.CharField(blank=True, max_length=200)),
                        ('language', models.CharField(blank=True, max_length=8)),
                        ('rows', models.PositiveIntegerField(default=0)),
                        ('errors', models.JSONField(blank=True, default=list)),
                        ('error_count', models.PositiveIntegerField(default=0)),
                        ('counts', models.JSONField(blank=True, default=dict)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ('started_at', models.DateTimeField(blank=True, null=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organisation')),
                    ],
                    options={
                        'verbose_name': 'register import',
                        'verbose_name_plural': 'register imports',
                        'db_table': 'cases_importjob',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='ImportedCase',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('external_id', models.CharField(max_length=100)),
                        ('fingerprint', models.CharField(max_length=64)),
                        ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('appeal', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cases.appeal')),
                        ('case', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='imported', to='cases.case')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organisation')),
                        ('victim', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cases.person')),
                        ('job', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='imports.importjob')),
                    ],
                    options={
                        'db_table': 'cases_importedcase',
                        'constraints': [models.UniqueConstraint(fields=('organisation', 'external_id'), name='imported_case_unique')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
