# A published decision's periods move onto the shared deadline engine (deadlines.Deadline): the
# publication period of every decision (resolved once published, exempted or withdrawn) and the
# withdrawal period of every withdrawn one, with the last days as stored — nothing is recomputed here;
# the provisional job recomputes the provisional ones.

from django.db import migrations, models
from django.utils import timezone

OBJECT_TYPE = "portal.publisheddecision"


def to_engine(apps, schema_editor):
    from zhifa.law import disclosure as law

    Decision = apps.get_model("portal", "PublishedDecision")
    Deadline = apps.get_model("deadlines", "Deadline")
    now = timezone.now()

    def row(d, kind, period, start, due, *, provisional, resolved_on, resolution=""):
        if resolved_on is not None and not resolution:
            resolution = "late" if resolved_on > due else "met"
        return Deadline(
            object_type=OBJECT_TYPE,
            object_id=d.pk,
            agency_id=d.agency_id,
            kind=kind,
            start_on=start,
            days=period.days,
            day_kind=str(period.kind),
            article=period.article,
            due_on=due,
            provisional=provisional,
            resolved_on=resolved_on,
            resolution=resolution,
            status="met" if resolved_on is not None else "ok",
            created_at=now,
        )

    batch = []
    for d in Decision.objects.order_by("pk").iterator():
        if Deadline.objects.filter(object_type=OBJECT_TYPE, object_id=d.pk).exists():
            continue
        scheduled = d.state == "scheduled"
        if d.published_on is not None:
            resolved_on, resolution = d.published_on, ""
        elif scheduled:
            resolved_on, resolution = None, ""
        else:  # exempted, or withdrawn before publication
            resolved_on, resolution = d.withdrawn_on or d.decided_on, "moot"
        batch.append(
            row(
                d,
                "publication",
                law.publication_period(d.window_days),
                d.decided_on,
                d.publish_due,
                provisional=scheduled and d.publish_due_provisional,
                resolved_on=resolved_on,
                resolution=resolution,
            )
        )
        if d.withdraw_due is not None and d.changed_on is not None:
            batch.append(
                row(
                    d,
                    "withdrawal",
                    law.WITHDRAWAL_PERIOD,
                    d.changed_on,
                    d.withdraw_due,
                    provisional=False,
                    resolved_on=d.withdrawn_on or d.changed_on,
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
        ("portal", "0002_publisheddecision_publish_due_provisional"),
        ("deadlines", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="publisheddecision",
            name="publish_due",
            field=models.DateField(blank=True, null=True, verbose_name="publish by"),
        ),
        migrations.RunPython(to_engine, back, elidable=True),  # elidable: it only fills rows that existed before; a fresh database has none, so the squash leaves it out
    ]
