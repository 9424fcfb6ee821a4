"""The one door into the audit log."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone

from zhifa.audit.chain import GENESIS, entry_hash
from zhifa.audit.models import AuditAnchor, AuditEntry, ChainHead
from zhifa.core import durable
from zhifa.core.auditing import AuditItem


def audit_record(
    *,
    actor: Any | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    agency_id: int | None = None,
    summary: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. Call inside the service's transaction so the entry commits with the change.

    Appends serialise on the ChainHead row (select_for_update on PostgreSQL; on SQLite the IMMEDIATE
    write transaction already holds the database write lock). On PostgreSQL the lock is held until the
    commit, which no longer waits for the disk under it: the flush follows the commit (`core.durable`),
    before the caller goes on.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
        if agency_id is None:
            agency_id = getattr(obj, "agency_id", None)
    content = {
        "actor_id": getattr(actor, "pk", None),
        "actor_name": (getattr(actor, "username", "") or "")[:150],
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr[:200],
        "agency_id": agency_id,
        # JSON round-trip so the hash is computed over exactly what the database will give back.
        "summary": _json_roundtrip(summary or {}),
    }
    # No savepoint of its own: the entry belongs to the caller's transaction, and an error here must
    # roll that back anyway (it cannot be caught and committed without its entry).
    with transaction.atomic(savepoint=False):
        if durable.available():
            return _append_postgresql(content)
        if _plain_sql(connections[DEFAULT_DB_ALIAS]):
            return _append_sqlite(content)
        head, _created = ChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"seq": 0, "hash": GENESIS}
        )
        entry = _entry(head.seq, head.hash, content)
        entry.save(force_insert=True)
        head.seq = entry.seq
        head.hash = entry.hash
        head.save(update_fields=["seq", "hash"])
    return entry


def audit_record_many(*, actor: Any | None, action: str, items: Sequence[AuditItem]) -> list[AuditEntry]:
    """Append one entry per item, in order, under one lock of the chain head and in one bulk insert:
    each entry has its own sequence number, its own hash and the previous entry's hash, exactly as
    `audit_record` called once per item would write them (the verifier cannot tell them apart). Call
    inside the service's transaction, like `audit_record`."""
    if not items:
        return []
    actor_id = getattr(actor, "pk", None)
    actor_name = (getattr(actor, "username", "") or "")[:150]
    with transaction.atomic():
        head, _created = ChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"seq": 0, "hash": GENESIS}
        )
        now = timezone.now()
        seq, prev = head.seq, head.hash
        entries = []
        for item in items:
            obj = item.obj
            agency_id = item.agency_id if item.agency_id is not None else getattr(obj, "agency_id", None)
            seq += 1
            entry = AuditEntry(
                seq=seq,
                at=now,
                actor_id=actor_id,
                actor_name=actor_name,
                action=action,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                object_repr=str(obj)[:200],
                agency_id=agency_id,
                summary=_json_roundtrip(item.summary or {}),
                prev_hash=prev,
            )
            entry.hash = prev = entry_hash(entry)
            entries.append(entry)
        AuditEntry.objects.bulk_create(entries)
        head.seq, head.hash = seq, prev
        head.save(update_fields=["seq", "hash"])
    return entries


def _entry(head_seq: int, head_hash: str, content: dict[str, Any]) -> AuditEntry:
    """The next entry after the head, hashed."""
    entry = AuditEntry(seq=head_seq + 1, at=timezone.now(), prev_hash=head_hash, **content)
    entry.hash = entry_hash(entry)
    return entry


# Fixed table and column names only (no input): the two statements of the PostgreSQL append.
_LOCK_HEAD = (
    f"SELECT seq, hash, {durable.ASYNC_COMMIT} FROM {ChainHead._meta.db_table} WHERE id = 1 FOR UPDATE"  # noqa: S608
)
_FIELDS = [f for f in AuditEntry._meta.concrete_fields if not f.primary_key]
_APPEND = (
    f"WITH entry AS (INSERT INTO {AuditEntry._meta.db_table} ({', '.join(str(f.column) for f in _FIELDS)}) "  # noqa: S608
    f"VALUES ({', '.join(['%s'] * len(_FIELDS))}) RETURNING id) "
    f"UPDATE {ChainHead._meta.db_table} SET seq = %s, hash = %s WHERE id = 1 RETURNING (SELECT id FROM entry)"
)


def _append_postgresql(content: dict[str, Any]) -> AuditEntry:
    """The same append in two statements: lock the head (and make this transaction's commit release the
    lock without waiting for the disk: `core.durable`, the flush runs right after the commit), then
    insert the entry and move the head in one statement. The lock is held from the first statement to
    the commit, as before; every entry is chained exactly as by the ORM path."""
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_HEAD)
        row = cursor.fetchone()
        if row is None:  # a new database: the head row is made once, then locked like any other time
            ChainHead.objects.get_or_create(id=1, defaults={"seq": 0, "hash": GENESIS})
            cursor.execute(_LOCK_HEAD)
            row = cursor.fetchone()
        assert row is not None
        durable.flush_after_commit()
        entry = _entry(row[0], row[1], content)
        values = [f.get_db_prep_save(getattr(entry, f.attname), connection) for f in _FIELDS]
        cursor.execute(_APPEND, [*values, entry.seq, entry.hash])
        appended = cursor.fetchone()
        assert appended is not None
        entry.pk = appended[0]
    entry._state.adding = False
    entry._state.db = DEFAULT_DB_ALIAS
    return entry


_HEAD = f"SELECT seq, hash FROM {ChainHead._meta.db_table} WHERE id = 1"  # noqa: S608
_INSERT = (
    f"INSERT INTO {AuditEntry._meta.db_table} ({', '.join(str(f.column) for f in _FIELDS)}) "  # noqa: S608
    f"VALUES ({', '.join(['%s'] * len(_FIELDS))}) RETURNING id"
)
_MOVE_HEAD = f"UPDATE {ChainHead._meta.db_table} SET seq = %s, hash = %s WHERE id = 1"  # noqa: S608


def _plain_sql(connection: Any) -> bool:
    """SQLite that returns the new id from an INSERT (3.35+): the append in three fixed statements."""
    return bool(connection.vendor == "sqlite" and connection.features.can_return_columns_from_insert)


def _append_sqlite(content: dict[str, Any]) -> AuditEntry:
    """The ORM path's append (read the head, insert the entry, move the head) in three statements
    written once, instead of compiling a get_or_create, an insert and an update for every entry: that
    was ~1 ms of CPU per entry, 3,800 entries in the demo's seeding. The caller's IMMEDIATE
    transaction holds SQLite's write lock from its first statement to the commit, so the head read
    here is the head the entry is chained to, exactly as on the ORM path."""
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute(_HEAD)
        row = cursor.fetchone()
        if row is None:  # a new database: the head row is made once
            ChainHead.objects.get_or_create(id=1, defaults={"seq": 0, "hash": GENESIS})
            cursor.execute(_HEAD)
            row = cursor.fetchone()
        assert row is not None
        entry = _entry(row[0], row[1], content)
        cursor.execute(_INSERT, [f.get_db_prep_save(getattr(entry, f.attname), connection) for f in _FIELDS])
        inserted = cursor.fetchone()
        assert inserted is not None
        entry.pk = inserted[0]
        cursor.execute(_MOVE_HEAD, [entry.seq, entry.hash])
    entry._state.adding = False
    entry._state.db = DEFAULT_DB_ALIAS
    return entry


def _json_roundtrip(value: dict[str, Any]) -> dict[str, Any]:

    result: dict[str, Any] = json.loads(json.dumps(value, ensure_ascii=False, default=str))
    return result


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int
    head: str
    first_bad_seq: int | None = None
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"ok": self.ok, "entries": self.entries, "head": self.head}
        if not self.ok:
            data["first_bad"] = {"seq": self.first_bad_seq, "reason": self.reason}
        return data


def audit_verify(*, batch: int = 5000) -> VerifyResult:
    """Recompute every hash and link in order; report the first entry that does not match.

    Verified while others write: the head is read first and the entries are checked up to it. An
    append commits its entry and the head it moves together, so every entry up to a head already read
    is there to be read (a missing one is a gap, an edited one a mismatch). Entries beyond that head
    are the appends committed since: the head is read again and the check goes on to it. Reading the
    entries first and the head after reported a chain broken whenever an append committed in between
    (seen in the scale-out test: "chain head does not match the last entry" at the entry just
    appended). An entry beyond the head with no head moved to it, or a head beyond the last entry, is
    still what it was: tampering."""
    prev = GENESIS
    count = 0
    head = _head()
    while True:
        # the entries up to the head read last (all of them when there is no head row: none written)
        upto = head[0] if head is not None else None
        while True:
            entries = AuditEntry.objects.filter(seq__gt=count).order_by("seq")
            if upto is not None:
                entries = entries.filter(seq__lte=upto)
            rows = list(entries[:batch])
            if not rows:
                break
            for entry in rows:
                if entry.seq != count + 1:
                    return VerifyResult(False, count, prev, entry.seq, "sequence gap")
                if entry.prev_hash != prev:
                    return VerifyResult(False, count, prev, entry.seq, "previous hash does not match")
                if entry_hash(entry) != entry.hash:
                    return VerifyResult(False, count, prev, entry.seq, "content does not match its hash")
                prev = entry.hash
                count += 1
        if head is None:
            return VerifyResult(True, count, prev)
        if head != (count, prev):
            return VerifyResult(False, count, prev, head[0], "chain head does not match the last entry")
        if not AuditEntry.objects.filter(seq__gt=count).exists():
            return VerifyResult(True, count, prev)
        moved = _head()  # read after the later entries were seen: an honest append moved it with them
        if moved is None or moved[0] <= count:
            return VerifyResult(False, count, prev, count + 1, "an entry beyond the chain head")
        head = moved


def _head() -> tuple[int, str] | None:
    row = ChainHead.objects.filter(id=1).values_list("seq", "hash").first()
    return (int(row[0]), str(row[1])) if row is not None else None


def audit_anchor_record(*, on: dt.date | None = None) -> AuditAnchor:
    """Record today's head (idempotent per date: a second call the same day keeps the first anchor)."""
    day = on or timezone.localdate()
    head = ChainHead.objects.filter(id=1).first()
    seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    anchor, _created = AuditAnchor.objects.get_or_create(
        date=day, defaults={"seq": seq, "head_hash": head_hash}
    )
    return anchor
