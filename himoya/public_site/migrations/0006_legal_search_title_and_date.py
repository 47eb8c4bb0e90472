"""The legal search entries' title vector and date (see LegalSearchEntry), filled for the
entries already written; the whole vector is rewritten too, so that documents indexed
before the Kazakh stemming rules of the same change (legal_stem) are found by them."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models


def fill(apps, schema_editor):
    from himoya.public_site.legal_search import document_vector

    Entry = apps.get_model("public_site", "LegalSearchEntry")
    connection = schema_editor.connection
    entries = Entry.objects.select_related("page", "page__locale").order_by("pk")
    rows = []
    for entry in entries.iterator(chunk_size=500):
        page = entry.page
        language = page.locale.language_code
        rows.append(
            (
                document_vector(page.title, entry.text, language),
                document_vector(page.title, "", language),
                page.date,
                entry.pk,
            )
        )
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE public_site_legalsearchentry SET legal_vector = %s::tsvector, "
            "title_vector = %s::tsvector, date = %s WHERE page_id = %s",
            rows,
        )


class Migration(migrations.Migration):
    dependencies = [("public_site", "0005_story_send_back_and_edit")]

    operations = [
        migrations.AddField(
            model_name="legalsearchentry",
            name="title_vector",
            field=django.contrib.postgres.search.SearchVectorField(null=True),
        ),
        migrations.AddField(
            model_name="legalsearchentry",
            name="date",
            field=models.DateField(null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="legalsearchentry",
            name="title_vector",
            field=django.contrib.postgres.search.SearchVectorField(),
        ),
        migrations.AlterField(
            model_name="legalsearchentry",
            name="date",
            field=models.DateField(),
        ),
        migrations.AddIndex(
            model_name="legalsearchentry",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["title_vector"], name="legal_search_title"
            ),
        ),
        migrations.AddIndex(
            model_name="legalsearchentry",
            index=models.Index(fields=["-date", "page"], name="legal_search_date"),
        ),
    ]
