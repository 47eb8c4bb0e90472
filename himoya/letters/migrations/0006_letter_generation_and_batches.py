import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("letters", "0005_letter_template_public"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="LetterBatch",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ("created_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("organisation", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="accounts.organisation")),
                ("recipient", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="letters.recipient")),
                ("template", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="letters.lettertemplate")),
            ],
            options={
                "verbose_name": "letter batch",
                "verbose_name_plural": "letter batches",
                "ordering": ["-created_at", "-id"],
            },
        ),
        # The letters made before the worker made them have their files already.
        migrations.AddField(
            model_name="letter",
            name="generation",
            field=models.CharField(choices=[("pending", "being prepared"), ("done", "ready"), ("failed", "could not be made")], default="done", max_length=8),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="letter",
            name="generation",
            field=models.CharField(choices=[("pending", "being prepared"), ("done", "ready"), ("failed", "could not be made")], default="pending", max_length=8),
        ),
        migrations.AddField(
            model_name="letter",
            name="generation_error",
            field=models.CharField(blank=True, default="", max_length=300),
        ),
        migrations.AddField(
            model_name="letter",
            name="batch",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="letters", to="letters.letterbatch"),
        ),
    ]
