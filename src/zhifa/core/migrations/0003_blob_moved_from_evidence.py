# The stored-file tables move from the evidence app to core.files in Django's state only: the tables
# (evidence_blob, evidence_blobcheck), their rows and every foreign key stay as they are.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_search_document"),
        ("evidence", "0002_case_links"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Blob",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("sha256", models.CharField(max_length=64, unique=True, verbose_name="SHA-256")),
                        ("sm3", models.CharField(db_index=True, max_length=64, verbose_name="SM3")),
                        ("size", models.BigIntegerField(verbose_name="size (bytes)")),
                        ("mime", models.CharField(max_length=100, verbose_name="file type")),
                        ("backend", models.CharField(max_length=10, verbose_name="storage")),
                        ("name", models.CharField(max_length=255, verbose_name="storage name")),
                        ("stored_at", models.DateTimeField(verbose_name="stored at")),
                        ("last_checked_at", models.DateTimeField(blank=True, null=True, verbose_name="last verified at")),
                        ("last_check_ok", models.BooleanField(blank=True, null=True, verbose_name="last verification passed")),
                        ("destroyed_at", models.DateTimeField(blank=True, null=True, verbose_name="content destroyed at")),
                    ],
                    options={
                        "verbose_name": "stored file",
                        "verbose_name_plural": "stored files",
                        "db_table": "evidence_blob",
                    },
                ),
                migrations.CreateModel(
                    name="BlobCheck",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("checked_at", models.DateTimeField(verbose_name="checked at")),
                        ("trigger", models.CharField(choices=[("ingest", "On upload"), ("command", "evidence_verify command"), ("schedule", "Nightly check"), ("archive", "Before archiving"), ("manual", "By hand")], max_length=10, verbose_name="trigger")),
                        ("ok", models.BooleanField(verbose_name="passed")),
                        ("found_sha256", models.CharField(blank=True, max_length=64)),
                        ("found_sm3", models.CharField(blank=True, max_length=64)),
                        ("found_size", models.BigIntegerField(blank=True, null=True)),
                        ("detail", models.CharField(blank=True, max_length=300, verbose_name="detail")),
                        ("blob", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="checks", to="core.blob")),
                    ],
                    options={
                        "verbose_name": "verification",
                        "verbose_name_plural": "verifications",
                        "db_table": "evidence_blobcheck",
                        "indexes": [models.Index(fields=["blob", "-checked_at"], name="evidence_blobcheck_recent")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
