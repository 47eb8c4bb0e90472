from django.db import migrations, models


class Migration(migrations.Migration):
    """Scheme 3: every document's tokens under its organisation's search key. Documents
    written before match nothing until re-indexed from the decrypted records, which a
    migration cannot do without the current models: `himoya rebuild-search --stale`
    (run by `make run`; see docs/search.md)."""

    dependencies = [
        ("search", "0005_scheme_2"),
    ]

    operations = [
        migrations.AlterField(
            model_name="searchdocument",
            name="scheme",
            field=models.PositiveSmallIntegerField(default=3),
        ),
    ]
