# The exact per-(agency, state) counts of existing cases (core.StateCount), which the workflow door keeps
# in step from here on (core.state_counts).
from django.db import migrations
from django.db.models import Count


def count_cases(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    StateCount = apps.get_model("core", "StateCount")
    StateCount.objects.filter(workflow="cases").delete()
    rows = Case.objects.values("agency_id", "state").annotate(n=Count("pk")).order_by()
    StateCount.objects.bulk_create(
        StateCount(workflow="cases", agency_id=r["agency_id"], state=r["state"], shard=0, n=r["n"]) for r in rows
    )


def forget(apps, schema_editor):
    apps.get_model("core", "StateCount").objects.filter(workflow="cases").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_case_party_unknown_on_leads"),
        ("core", "0005_state_counts"),
    ]

    operations = [migrations.RunPython(count_cases, forget)]
