# A credential's dates move onto the shared deadline engine (deadlines.Deadline): the expiry printed on
# the card (a party window: it closes as elapsed) and the annual review as stored in review_due_on,
# running from the last passed review (or the issue). A revoked card's rows are moot, an expired card's
# expiry elapsed. Rows with a fixed last day: day_kind "date", no holiday adjustment.

from django.db import migrations
from django.utils import timezone

OBJECT_TYPE = "officers.credential"
ARTICLE = "行政处罚法第四十二条"


def to_engine(apps, schema_editor):
    Credential = apps.get_model("officers", "Credential")
    AnnualReview = apps.get_model("officers", "AnnualReview")
    Deadline = apps.get_model("deadlines", "Deadline")
    now = timezone.now()
    batch = []

    def row(c, kind, start, due, *, party_window, resolved_on, resolution):
        start = min(start, due)
        return Deadline(
            object_type=OBJECT_TYPE,
            object_id=c.pk,
            agency_id=c.agency_id,
            kind=kind,
            start_on=start,
            days=(due - start).days,
            day_kind="date",
            article=ARTICLE,
            due_on=due,
            party_window=party_window,
            resolved_on=resolved_on,
            resolution=resolution if resolved_on else "",
            status="met" if resolved_on else "ok",
            created_at=now,
        )

    for c in Credential.objects.order_by("pk").iterator():
        if Deadline.objects.filter(object_type=OBJECT_TYPE, object_id=c.pk).exists():
            continue
        live = c.status in ("valid", "suspended")
        if c.status == "expired":
            ended, how = c.expires_on, "elapsed"
        elif c.status == "revoked":
            ended, how = c.status_since, "moot"
        else:
            ended, how = None, ""
        batch.append(
            row(
                c,
                "credential_expiry",
                c.issued_on,
                c.expires_on,
                party_window=True,
                resolved_on=ended,
                resolution=how,
            )
        )
        if c.review_due_on is not None:
            last = (
                AnnualReview.objects.filter(credential_id=c.pk, passed=True)
                .order_by("-reviewed_on")
                .values_list("reviewed_on", flat=True)
                .first()
            )
            batch.append(
                row(
                    c,
                    "annual_review",
                    last or c.issued_on,
                    c.review_due_on,
                    party_window=False,
                    resolved_on=None if live else c.status_since,
                    resolution="moot",
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
        ("officers", "0001_initial"),
        ("deadlines", "0001_initial"),
    ]

    operations = [migrations.RunPython(to_engine, back, elidable=True)]  # elidable: it only fills rows that existed before; a fresh database has none, so the squash leaves it out
