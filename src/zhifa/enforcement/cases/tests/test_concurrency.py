"""Case numbers under concurrent writers: several processes file cases of one agency at the same time
on PostgreSQL; every case gets a number, none twice, none skipped."""

import multiprocessing
import re

import pytest
from django.db import connections

from zhifa.enforcement.cases.factories import build_case_kit, register
from zhifa.enforcement.cases.models import Case

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _file_cases(case_ids: list[int], approver_id: int, officer_ids: list[int], queue) -> None:
    connections.close_all()
    from zhifa.core.errors import DomainError
    from zhifa.enforcement.cases.services import case_apply_event
    from zhifa.org.models import User

    approver = User.objects.get(pk=approver_id)
    done, failures = [], []
    for case_id in case_ids:
        try:
            case_apply_event(case_id=case_id, actor=approver, event="file", data={"officer_ids": officer_ids})
            done.append(case_id)
        except DomainError as exc:  # pragma: no cover — would fail the assertions below
            failures.append(str(exc.message))
    connections.close_all()
    queue.put((done, failures))


def test_parallel_filing_issues_unique_gap_free_case_numbers(world) -> None:
    kit = build_case_kit(world)
    cases = [register(kit, facts=f"并发立案测试{i}") for i in range(24)]
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    chunks = [[c.pk for c in cases[i::4]] for i in range(4)]
    procs = [
        ctx.Process(
            target=_file_cases,
            args=(chunk, kit.world.approver_a.pk, [kit.officer_a.pk, kit.officer_a2.pk], queue),
        )
        for chunk in chunks
    ]
    for p in procs:
        p.start()
    results = [queue.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert all(not failures for _done, failures in results), results
    numbers = list(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("number", flat=True))
    seqs = sorted(int(re.search(r"〕(\d+)号", n).group(1)) for n in numbers)
    assert seqs == list(range(1, 25))
