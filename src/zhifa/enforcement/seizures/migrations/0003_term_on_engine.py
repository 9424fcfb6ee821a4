# A seizure's term moves onto the shared deadline engine (deadlines.Deadline): one row per measure with
# the extension and the excluded testing days as added days, suspended while testing is under way,
# resolved once the measure was dealt with. The last day is the one stored; where none is stored
# (testing under way) a weekday-free estimate is kept, marked provisional, so the provisional job
# computes it properly — the seizure's own column stays empty until the testing ends, as before.

import datetime as dt

from django.db import migrations
from django.utils import timezone

OBJECT_TYPE = "seizures.seizure"


def to_engine(apps, schema_editor):
    from zhifa.law import seizure as law

    Seizure = apps.get_model("seizures", "Seizure")
    Appraisal = apps.get_model("seizures", "AppraisalPeriod")
    Deadline = apps.get_model("deadlines", "Deadline")
    now = timezone.now()
    batch = []
    for s in Seizure.objects.order_by("pk").iterator():
        if Deadline.objects.filter(object_type=OBJECT_TYPE, object_id=s.pk).exists():
            continue
        preservation = s.measure == law.Measure.PRESERVATION
        period = law.PRESERVATION_TERM if preservation else law.SEIZURE_TERM
        appraisals = list(Appraisal.objects.filter(seizure_id=s.pk).order_by("started_on"))
        finished = [law.AppraisalInterval(a.started_on, a.ended_on) for a in appraisals if a.ended_on]
        running = next((a.started_on for a in appraisals if a.ended_on is None), None)
        extra = 0 if preservation else s.extension_days + law.excluded_days(finished)
        due, provisional = s.due_on, s.due_provisional
        if due is None:
            due, provisional = s.started_on + dt.timedelta(days=period.days + extra), True
        resolved_on = None if s.status == "active" else (s.disposed_on or due)
        resolution = ""
        if resolved_on is not None:
            resolution = "late" if resolved_on > due else "met"
        batch.append(
            Deadline(
                object_type=OBJECT_TYPE,
                object_id=s.pk,
                agency_id=s.agency_id,
                kind="preservation" if preservation else "term",
                start_on=s.started_on,
                days=period.days,
                day_kind=str(period.kind),
                article=period.article,
                extra_days=extra,
                suspended_since=running if resolved_on is None else None,
                due_on=due,
                provisional=provisional and resolved_on is None,
                resolved_on=resolved_on,
                resolution=resolution,
                status="met" if resolved_on is not None else "ok",
                created_at=now,
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
        ("seizures", "0002_due_provisional"),
        ("deadlines", "0001_initial"),
    ]

    operations = [migrations.RunPython(to_engine, back, elidable=True)]  # elidable: it only fills rows that existed before; a fresh database has none, so the squash leaves it out
