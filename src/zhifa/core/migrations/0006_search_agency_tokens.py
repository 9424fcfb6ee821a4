"""The owning agency becomes a token of the full-text index (zhifa.core.search._agency_token), so a
scoped search intersects it inside the index. Existing documents get their agency's token here; new
ones are written with it by core.search."""

from django.db import migrations


def add_tokens(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            "UPDATE core_search_fts SET kind = kind || ' a' || CAST(agency_id AS INTEGER) "
            "WHERE agency_id IS NOT NULL AND agency_id != ''"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            "UPDATE core_searchdocument SET vector = vector "
            "|| setweight(to_tsvector('simple', 'a' || agency_id::text), 'D') WHERE agency_id IS NOT NULL"
        )


def remove_tokens(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            "UPDATE core_search_fts SET kind = replace(kind, ' a' || CAST(agency_id AS INTEGER), '') "
            "WHERE agency_id IS NOT NULL AND agency_id != ''"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            "UPDATE core_searchdocument SET vector = ts_delete(vector, 'a' || agency_id::text) "
            "WHERE agency_id IS NOT NULL"
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0005_state_counts")]

    operations = [migrations.RunPython(add_tokens, remove_tokens, elidable=False)]
