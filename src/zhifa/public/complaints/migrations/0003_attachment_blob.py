# Complaint attachments are stored through core.files. Attachments stored before (in the default
# storage under MEDIA_ROOT, which the web server no longer serves) are moved into the content-addressed
# store and linked; the old copy is removed once the new one is recorded.

import django.db.models.deletion
from django.db import migrations, models


def move_into_the_store(apps, schema_editor):
    from django.core.files.storage import default_storage

    from zhifa.core.files.services import blob_store

    Attachment = apps.get_model("complaints", "ComplaintAttachment")
    for item in Attachment.objects.filter(blob__isnull=True).iterator():
        if not item.storage_name.startswith("complaints/") or not default_storage.exists(item.storage_name):
            continue  # already missing: nothing to move, the page says the file is not available
        with default_storage.open(item.storage_name, "rb") as fh:
            blob = blob_store(fh, mime=item.content_type, declared_sha256=item.sha256)
        # The row is append-only for the application; this one-off link is the migration's.
        Attachment._base_manager.filter(pk=item.pk).update(blob_id=blob.pk, storage_name=blob.name)
        default_storage.delete(item.storage_name)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0002_provisional_deadlines_case_link"),
        ("core", "0003_blob_moved_from_evidence"),
    ]

    operations = [
        migrations.AddField(
            model_name="complaintattachment",
            name="blob",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="complaint_attachments",
                to="core.blob",
            ),
        ),
        migrations.RunPython(move_into_the_store, migrations.RunPython.noop),
    ]
