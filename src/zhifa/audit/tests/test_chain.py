import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from zhifa.audit.models import AppendOnlyError, AuditAnchor, AuditEntry, ChainHead
from zhifa.audit.services import audit_anchor_record, audit_record, audit_verify


def _append(n: int, actor=None) -> None:
    for i in range(n):
        audit_record(
            actor=actor,
            action="test.event",
            object_type="test.thing",
            object_id=str(i),
            object_repr=f"事项{i}",
            summary={"i": i, "金额": "200.00"},
        )


@pytest.mark.django_db
class TestAuditChain:
    def test_a_fresh_chain_verifies(self) -> None:
        _append(5)
        result = audit_verify()
        assert result.ok and result.entries == 5
        assert result.head == AuditEntry.objects.order_by("-seq").first().hash

    def test_each_entry_links_to_the_previous_hash(self) -> None:
        _append(3)
        entries = list(AuditEntry.objects.order_by("seq"))
        assert entries[1].prev_hash == entries[0].hash
        assert entries[2].prev_hash == entries[1].hash
        assert all(len(e.hash) == 64 for e in entries)

    def test_a_row_edited_with_raw_sql_breaks_verification_at_that_entry(self) -> None:
        _append(5)
        target = AuditEntry.objects.get(seq=3)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {AuditEntry._meta.db_table} SET object_repr = %s WHERE id = %s", ["篡改", target.id]
            )
        result = audit_verify()
        assert not result.ok
        assert result.first_bad_seq == 3
        assert result.entries == 2
        with pytest.raises(CommandError, match="#3"):
            call_command("audit_verify")

    def test_a_deleted_row_breaks_verification(self) -> None:
        _append(4)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq = 2")
        result = audit_verify()
        assert not result.ok and result.first_bad_seq == 3

    def test_an_append_committed_while_verifying_is_verified_not_reported(self, monkeypatch) -> None:
        # Another process appends right after the verification has read the head: the entry and the
        # head it moved are both there by the time the entries are read.
        from zhifa.audit import services

        _append(3)
        real_head = services._head
        calls = []

        def head_then_append():
            calls.append(1)
            read = real_head()
            if len(calls) == 1:
                _append(1)
            return read

        monkeypatch.setattr(services, "_head", head_then_append)
        result = audit_verify()
        assert result.ok, result
        assert result.entries == 4 and len(calls) == 2  # the head read again for the later entry

    def test_an_entry_beyond_the_head_is_reported(self) -> None:
        _append(3)
        # a fourth entry written beside the chain: linked and hashed correctly, but the head not moved
        _append(1)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ChainHead._meta.db_table} SET seq = 3, hash = %s WHERE id = 1",
                [AuditEntry.objects.get(seq=3).hash],
            )
        result = audit_verify()
        assert not result.ok
        assert (result.entries, result.first_bad_seq, result.reason) == (
            3,
            4,
            "an entry beyond the chain head",
        )

    def test_a_head_beyond_the_last_entry_is_reported(self) -> None:
        _append(4)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq = 4")
        result = audit_verify()
        assert not result.ok
        assert (result.entries, result.first_bad_seq) == (3, 4)
        assert result.reason == "chain head does not match the last entry"

    def test_the_orm_refuses_updates_and_deletes(self) -> None:
        _append(1)
        entry = AuditEntry.objects.get()
        entry.action = "changed"
        with pytest.raises(AppendOnlyError):
            entry.save()
        with pytest.raises(AppendOnlyError):
            entry.delete()
        with pytest.raises(AppendOnlyError):
            AuditEntry.objects.all().update(action="x")
        with pytest.raises(AppendOnlyError):
            AuditEntry.objects.all().delete()

    def test_entries_survive_the_deletion_of_their_actor(self, world) -> None:
        _append(2, actor=world.outsider)
        world.outsider.delete()
        assert AuditEntry.objects.filter(actor_name="outsider").count() == 2
        assert audit_verify().ok

    def test_daily_anchor_records_the_head_once_per_day(self) -> None:
        _append(3)
        first = audit_anchor_record()
        _append(1)
        second = audit_anchor_record()
        assert first.pk == second.pk and first.seq == 3
        assert AuditAnchor.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_on_postgresql_leave_one_unbroken_chain() -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def worker() -> None:
        try:
            barrier.wait()
            _append(25)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    result = audit_verify()
    assert result.ok, result
    assert result.entries == AuditEntry.objects.count() >= 100


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_chain_verifies_while_others_append_on_postgresql() -> None:
    # The verification reads in several statements while appends commit between them: it must never
    # report a chain broken that is not (the scale-out test met "chain head does not match the last
    # entry" when the head was read after the entries).
    _append(5)
    done = threading.Event()
    errors: list[BaseException] = []

    def appender() -> None:
        try:
            for _ in range(150):
                _append(1)
        except BaseException as exc:
            errors.append(exc)
        finally:
            done.set()
            connections.close_all()

    thread = threading.Thread(target=appender)
    thread.start()
    results = []
    while True:  # at least once while the appender runs (it has 150 commits to make)
        results.append(audit_verify())
        if done.is_set():
            break
    thread.join()
    results.append(audit_verify())
    assert not errors
    assert [r for r in results if not r.ok] == []
    assert results[-1].entries == 155
