"""Drops the postings table, the inverted index for databases without arrays: Himoya runs
on PostgreSQL only, where the tokens are an array column (0002) and this table, created
by 0001 on every database, stayed empty. Going back recreates it empty."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("search", "0003_drop_recency_index")]
    operations = [migrations.DeleteModel(name="Posting")]
