# A complaint's periods move onto the shared deadline engine (deadlines.Deadline). Each existing
# complaint gets the rows its columns describe: the acceptance period (resolved once decided) and,
# once accepted, the reply period (or the re-opened one), with the last days as stored — nothing is
# recomputed here; the provisional job recomputes the provisional ones. Earlier rounds of a complaint
# re-opened before this migration are not reconstructed: their events keep their deadline and in_time.

from django.db import migrations, models
from django.utils import timezone

OBJECT_TYPE = "complaints.complaint"
OPEN = {"received", "accepted", "reopened"}


def to_engine(apps, schema_editor):
    from zhifa.law import complaints as rules

    Complaint = apps.get_model("complaints", "Complaint")
    Deadline = apps.get_model("deadlines", "Deadline")
    now = timezone.now()

    def row(c, kind, period, start, due, *, provisional, resolved_on, extra=0):
        resolution = ""
        if resolved_on is not None:
            resolution = "late" if due is not None and resolved_on > due else "met"
        return Deadline(
            object_type=OBJECT_TYPE,
            object_id=c.pk,
            agency_id=c.agency_id,
            kind=kind,
            start_on=start,
            days=period.days,
            day_kind=str(period.kind),
            article=period.article,
            extra_days=extra,
            due_on=due,
            provisional=provisional,
            resolved_on=resolved_on,
            resolution=resolution,
            status="met" if resolved_on is not None else "ok",
            created_at=now,
        )

    batch = []
    for c in Complaint.objects.order_by("pk").iterator():
        if Deadline.objects.filter(object_type=OBJECT_TYPE, object_id=c.pk).exists():
            continue
        received = c.state == "received"
        start = c.due_start if received and c.due_start else c.received_on
        batch.append(
            row(
                c,
                "acceptance",
                rules.ACCEPTANCE_PERIOD,
                start,
                c.acceptance_due,
                provisional=received and c.due_provisional,
                resolved_on=None if received else (c.decided_on or c.received_on),
            )
        )
        if c.accepted_on and c.conclusion_due:
            reopened = c.reopen_count > 0
            running = c.state in OPEN
            batch.append(
                row(
                    c,
                    "reopened" if reopened else "conclusion",
                    rules.REOPENED_PERIOD if reopened else rules.CONCLUSION_PERIOD,
                    (c.reopened_on if reopened else None) or c.accepted_on,
                    c.conclusion_due,
                    provisional=running and c.due_provisional,
                    resolved_on=None if running else (c.concluded_on or c.conclusion_due),
                    extra=0 if reopened else c.extension_days,
                )
            )
        if len(batch) >= 1000:
            Deadline.objects.bulk_create(batch)
            batch = []
    Deadline.objects.bulk_create(batch)


def back(apps, schema_editor):
    apps.get_model("deadlines", "Deadline").objects.filter(object_type=OBJECT_TYPE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0003_attachment_blob"),
        ("deadlines", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="complaint",
            name="acceptance_due",
            field=models.DateField(blank=True, null=True, verbose_name="decide on acceptance by"),
        ),
        migrations.RunPython(to_engine, back),
    ]
