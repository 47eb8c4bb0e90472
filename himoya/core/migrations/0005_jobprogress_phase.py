from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_audit_no_truncate"),
    ]

    operations = [
        migrations.AddField(
            model_name="jobprogress",
            name="phase",
            field=models.CharField(blank=True, default="", max_length=20, verbose_name="stage"),
        ),
    ]
