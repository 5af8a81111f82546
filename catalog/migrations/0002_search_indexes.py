"""Indexes that keep listing and search fast in a large catalog.

The trigram (pg_trgm) GIN indexes exist on PostgreSQL only: SQLite, the embedded database, has
neither the extension nor GIN, so there the operations change the migration state and nothing
else. pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
"""

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


class AddIndexOnPostgreSQL(migrations.AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def trigram_index(column: str, name: str):
    return django.contrib.postgres.indexes.GinIndex(
        django.contrib.postgres.indexes.OpClass(
            django.db.models.functions.text.Upper(column), name="gin_trgm_ops"
        ),
        name=name,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="product",
            index=models.Index(fields=["name", "id"], name="product_name_id"),
        ),
        # CreateExtension itself does nothing on other databases.
        TrigramExtension(),
        AddIndexOnPostgreSQL(
            model_name="product", index=trigram_index("name", "product_name_trgm")
        ),
        AddIndexOnPostgreSQL(
            model_name="product",
            index=trigram_index("description", "product_description_trgm"),
        ),
    ]
