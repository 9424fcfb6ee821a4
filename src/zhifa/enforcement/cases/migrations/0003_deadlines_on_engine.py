# The penalty case's deadlines move onto the shared deadline engine (deadlines.Deadline, object type
# "cases.case"). Every cases.CaseDeadline row is copied with all it holds (kind, start, days, article,
# added days, last day, provisional, party window, resolution, explanation, status, setting); the open
# decision period of a case suspended now is marked suspended from the same day (the engine keeps the
# running suspension on the row; completed suspensions are already in its added days). Then the old
# table goes and `cases.CaseDeadline` becomes a proxy of the engine's model.

from django.db import migrations

OBJECT_TYPE = "cases.case"
FIELDS = (
    "kind", "start_on", "days", "day_kind", "article", "extra_days", "due_on", "provisional",
    "party_window", "resolved_on", "resolution", "explanation", "status", "setting", "created_at",
)  # fmt: skip


def to_engine(apps, schema_editor):
    Old = apps.get_model("cases", "CaseDeadline")
    Case = apps.get_model("cases", "Case")
    Deadline = apps.get_model("deadlines", "Deadline")
    suspended = dict(Case.objects.filter(suspended_since__isnull=False).values_list("pk", "suspended_since"))
    batch = []
    for row in Old.objects.order_by("pk").iterator():
        since = suspended.get(row.case_id) if row.kind == "decision" and row.resolved_on is None else None
        batch.append(
            Deadline(
                object_type=OBJECT_TYPE,
                object_id=row.case_id,
                agency_id=row.agency_id,
                suspended_since=since,
                **{f: getattr(row, f) for f in FIELDS},
            )
        )
        if len(batch) >= 1000:
            Deadline.objects.bulk_create(batch)
            batch = []
    Deadline.objects.bulk_create(batch)


def back(apps, schema_editor):
    Old = apps.get_model("cases", "CaseDeadline")
    Deadline = apps.get_model("deadlines", "Deadline")
    rows = Deadline.objects.filter(object_type=OBJECT_TYPE).order_by("pk")
    Old.objects.bulk_create(
        Old(case_id=r.object_id, agency_id=r.agency_id, **{f: getattr(r, f) for f in FIELDS}) for r in rows
    )
    rows.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_remove_case_case_agency_registered_idx_and_more"),
        ("deadlines", "0002_resolution_explained"),
    ]

    operations = [
        migrations.RunPython(to_engine, back),
        migrations.DeleteModel(name="CaseDeadline"),
        migrations.CreateModel(
            name="CaseDeadline",
            fields=[],
            options={
                "verbose_name": "case deadline",
                "verbose_name_plural": "case deadlines",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("deadlines.deadline",),
        ),
    ]
