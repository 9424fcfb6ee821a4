import multiprocessing

import pytest
from django.db import connection, connections, transaction

from zhifa.core.models import Counter
from zhifa.core.numbering import current_number, format_number, issue_number, next_number


@pytest.mark.django_db
class TestCounter:
    def test_a_new_key_starts_at_one_and_counts_up(self) -> None:
        with transaction.atomic():
            assert next_number(key="7:立:2025") == 1
            assert next_number(key="7:立:2025") == 2
        assert current_number(key="7:立:2025") == 2

    def test_keys_are_independent(self) -> None:
        with transaction.atomic():
            next_number(key="7:立:2025")
            assert next_number(key="7:立:2026") == 1
            assert next_number(key="8:立:2025") == 1

    def test_a_rolled_back_transaction_leaves_no_gap(self) -> None:
        with transaction.atomic():
            next_number(key="k")
        with pytest.raises(RuntimeError), transaction.atomic():
            assert next_number(key="k") == 2
            raise RuntimeError("the case write failed after taking the number")
        with transaction.atomic():
            assert next_number(key="k") == 2

    def test_outside_a_transaction_it_refuses(self) -> None:
        # pytest-django wraps the test in a transaction; leave it to see the guard
        with pytest.raises(RuntimeError):
            connection.in_atomic_block = False
            try:
                next_number(key="k")
            finally:
                connection.in_atomic_block = True

    def test_issue_number_formats_the_official_number(self) -> None:
        with transaction.atomic():
            assert (
                issue_number(agency_id=3, abbreviation="海城管", kind="立", year=2025)
                == "海城管立〔2025〕1号"
            )
            assert (
                issue_number(agency_id=3, abbreviation="海城管", kind="立", year=2025)
                == "海城管立〔2025〕2号"
            )
        assert (
            format_number(abbreviation="海城管", kind="罚决", year=2026, seq=15) == "海城管罚决〔2026〕15号"
        )


def _take_numbers(key: str, count: int, queue: "multiprocessing.Queue[list[int]]") -> None:
    # a child process: fresh connections, one transaction per number, some rolled back on purpose
    connections.close_all()
    taken: list[int] = []
    for i in range(count):
        try:
            with transaction.atomic():
                n = next_number(key=key)
                if i % 7 == 3:
                    raise ValueError("refused after taking a number")
                taken.append(n)
        except ValueError:
            pass
    connections.close_all()
    queue.put(taken)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_processes_get_unique_gap_free_numbers() -> None:
    connections.close_all()  # children must not share the parent's socket
    ctx = multiprocessing.get_context("fork")
    queue: multiprocessing.Queue[list[int]] = ctx.Queue()
    workers, per_worker = 6, 40
    procs = [
        ctx.Process(target=_take_numbers, args=("p:罚决:2025", per_worker, queue)) for _ in range(workers)
    ]
    for p in procs:
        p.start()
    results = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    numbers = sorted(n for r in results for n in r)
    assert len(numbers) == len(set(numbers)), "duplicate numbers issued"
    assert numbers == list(range(1, len(numbers) + 1)), "gap in the sequence"
    assert Counter.objects.get(key="p:罚决:2025").value == len(numbers)
