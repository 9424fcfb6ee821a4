# Document.blob points at core.Blob (the same table, evidence_blob): a change of Django's state only.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_blob_moved_from_evidence"),
        ("documents", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="document",
                    name="blob",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="documents", to="core.blob"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
