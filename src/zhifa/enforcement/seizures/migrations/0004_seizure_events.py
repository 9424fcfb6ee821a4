# Seizures move onto the shared workflow engine (zhifa.core.workflow): each step of a measure is an
# append-only SeizureEvent row. For measures recorded before, their history is rebuilt from the rows
# that already tell it — the seizure itself (recorded, approved afterwards), its extension, testing
# periods and dispositions — each backfilled row marked {"backfilled": true}. Where the time a step was
# entered is not kept (the end of a testing period), `at` is the start of its day and the row says so.

import datetime as dt

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def _name(user):
    return ((user.full_name or user.username) if user is not None else "")[:50]


def backfill(apps, schema_editor):
    Seizure = apps.get_model("seizures", "Seizure")
    Event = apps.get_model("seizures", "SeizureEvent")
    batch = []

    def add(s, kind, at, on, actor, *, from_state, to_state, **data):
        batch.append(
            Event(
                seizure_id=s.pk,
                kind=kind,
                at=at,
                on=on,
                actor=actor,
                actor_name=_name(actor),
                from_state=from_state,
                to_state=to_state,
                data={"backfilled": True, **data},
            )
        )

    for s in Seizure.objects.order_by("pk").select_related("recorded_by", "approved_by").iterator():
        if Event.objects.filter(seizure_id=s.pk).exists():
            continue
        add(
            s,
            "record",
            s.recorded_at,
            s.started_on,
            s.recorded_by,
            from_state="",
            to_state="active",
            measure=s.measure,
            emergency=s.emergency,
            number=s.number,
        )
        steps = []
        if s.emergency and s.approved_at is not None:
            steps.append(
                (s.approved_at, "approve", timezone.localtime(s.approved_at).date(), s.approved_by_id, {})
            )
        ext = apps.get_model("seizures", "Extension").objects.filter(seizure_id=s.pk).first()
        if ext is not None:
            steps.append((ext.recorded_at, "extend", ext.decided_on, ext.approved_by_id, {"days": ext.days}))
        for a in apps.get_model("seizures", "AppraisalPeriod").objects.filter(seizure_id=s.pk):
            steps.append((a.recorded_at, "appraisal_start", a.started_on, a.recorded_by_id, {"kind": a.kind}))
            if a.ended_on is not None:
                start = timezone.make_aware(dt.datetime.combine(a.ended_on, dt.time()))
                steps.append(
                    (max(start, a.recorded_at), "appraisal_end", a.ended_on, None, {"at_unknown": True})
                )
        dispositions = list(
            apps.get_model("seizures", "Disposition")
            .objects.filter(seizure_id=s.pk)
            .order_by("recorded_at", "pk")
        )
        for n, d in enumerate(dispositions, start=1):
            last = n == len(dispositions) and s.status == "disposed"
            steps.append(
                (
                    d.recorded_at,
                    "dispose",
                    d.decided_on,
                    d.decided_by_id,
                    {"outcome": d.outcome, "late": d.late, "finished": last},
                )
            )
        User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
        users = User.objects.in_bulk({u for *_x, u, _d in steps if u is not None})
        for at, kind, on, user_id, data in sorted(steps, key=lambda r: r[0]):
            to_state = "disposed" if data.get("finished") else "active"
            add(s, kind, at, on, users.get(user_id), from_state="active", to_state=to_state, **data)
        if len(batch) >= 500:
            Event.objects.bulk_create(batch)
            batch = []
    Event.objects.bulk_create(batch)


def unbackfill(apps, schema_editor):
    apps.get_model("seizures", "SeizureEvent").objects.filter(data__backfilled=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("seizures", "0003_term_on_engine"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SeizureEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=20, verbose_name="event")),
                ("at", models.DateTimeField(verbose_name="time")),
                ("on", models.DateField(verbose_name="date")),
                ("actor_name", models.CharField(blank=True, max_length=50, verbose_name="by")),
                ("from_state", models.CharField(blank=True, max_length=10)),
                ("to_state", models.CharField(max_length=10)),
                ("data", models.JSONField(blank=True, default=dict)),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "seizure",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="seizures.seizure",
                    ),
                ),
            ],
            options={
                "verbose_name": "seizure event",
                "verbose_name_plural": "seizure events",
                "indexes": [models.Index(fields=["seizure", "at"], name="seizureevent_seizure_at")],
            },
        ),
        migrations.RunPython(backfill, unbackfill, elidable=True),  # elidable: it only fills rows that existed before; a fresh database has none, so the squash leaves it out
    ]
