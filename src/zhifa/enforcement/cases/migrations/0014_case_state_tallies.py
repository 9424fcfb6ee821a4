# The statistics' roll-up of existing cases (core.StateTally: per agency, month of registration in
# Asia/Shanghai, state and power category — count, fines decided, amounts paid), which the registration
# and the workflow door keep in step from here on (cases.rollup). One GROUP BY over the cases.
import datetime as dt
from decimal import Decimal

from django.db import migrations
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone


def tally_cases(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    StateTally = apps.get_model("core", "StateTally")
    StateTally.objects.filter(workflow="cases").delete()
    zone = timezone.get_default_timezone()
    rows = (
        Case.objects.order_by()
        .annotate(month=TruncMonth("registered_at", tzinfo=zone))
        .values("agency_id", "month", "state", "power_version__category")
        .annotate(n=Count("id"), amount=Sum("fine_amount"), paid=Sum("paid_amount"))
    )
    summed = {}
    for r in rows.iterator(chunk_size=5000):
        month = r["month"]
        if isinstance(month, dt.datetime):
            month = timezone.localtime(month, zone).date()
        key = (r["agency_id"], month.replace(day=1), r["state"], r["power_version__category"] or "")
        s = summed.setdefault(key, [0, Decimal("0.00"), Decimal("0.00")])
        s[0] += r["n"]
        s[1] += r["amount"] or 0
        s[2] += r["paid"] or 0
    StateTally.objects.bulk_create(
        (
            StateTally(
                workflow="cases", agency_id=a, month=m, state=st, category=c, shard=0, n=n, amount=amount, paid=paid
            )
            for (a, m, st, c), (n, amount, paid) in summed.items()
        ),
        batch_size=5000,
    )


def forget(apps, schema_editor):
    apps.get_model("core", "StateTally").objects.filter(workflow="cases").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_case_state_date_index"),
        ("core", "0007_state_tally"),
    ]

    operations = [migrations.RunPython(tally_cases, forget)]
