"""Every document of an agency gets a scope token of its kind and agency (`kcasea12`,
zhifa.core.search._scope_token), so a search within a user's scope intersects it inside the index.
Existing documents get theirs here; new ones are written with it by core.search."""

from django.db import migrations

# The kind token is "k" + the kind's lower-case letters and digits (core.search._kind_token).
PG_SCOPE_TOKEN = "'k' || regexp_replace(lower(kind), '[^a-z0-9]', '', 'g') || 'a' || agency_id::text"


def add_tokens(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        # the FTS5 `kind` column holds exactly the kind token
        schema_editor.execute(
            "UPDATE core_search_fts SET kind = kind || ' ' || kind || 'a' || CAST(agency_id AS INTEGER) "
            "WHERE agency_id IS NOT NULL AND agency_id != ''"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            "UPDATE core_searchdocument SET vector = vector "
            f"|| setweight(to_tsvector('simple', {PG_SCOPE_TOKEN}), 'D') WHERE agency_id IS NOT NULL"
        )


def remove_tokens(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            "UPDATE core_search_fts SET kind = substr(kind, 1, instr(kind, ' ') - 1) WHERE instr(kind, ' ') > 0"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            f"UPDATE core_searchdocument SET vector = ts_delete(vector, {PG_SCOPE_TOKEN}) "
            "WHERE agency_id IS NOT NULL"
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0005_state_counts")]

    operations = [migrations.RunPython(add_tokens, remove_tokens, elidable=False)]
