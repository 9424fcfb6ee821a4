"""Tasks used only by bench/fault_worker_kill.py (the worker imports them through PYTHONPATH=bench)."""

from __future__ import annotations

import time

from django_tasks import task


@task()
def slow_mark(token: str, seconds: float) -> str:
    """Sleeps, then records its effect once (idempotent like every domain task)."""
    from zhifa.core.models import Counter

    time.sleep(seconds)
    row, created = Counter.objects.get_or_create(key=f"drill:{token}", defaults={"value": 1})
    if not created:  # a second run must not apply the effect twice; count the attempt in `value`
        Counter.objects.filter(pk=row.pk).update(value=row.value + 1)
    return token
