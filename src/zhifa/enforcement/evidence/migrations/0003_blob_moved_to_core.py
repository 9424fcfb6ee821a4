# Blob and BlobCheck now belong to core.files (core 0003 took them over in state, same tables);
# Evidence.blob points at core.Blob. Nothing changes in the database.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_blob_moved_from_evidence"),
        ("documents", "0002_blob_in_core"),
        ("evidence", "0002_case_links"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="evidence",
                    name="blob",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="evidence", to="core.blob"
                    ),
                ),
                migrations.DeleteModel(name="BlobCheck"),
                migrations.DeleteModel(name="Blob"),
            ],
            database_operations=[],
        ),
    ]
