"""The one door into the audit log."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from zhifa.audit.chain import GENESIS, entry_hash
from zhifa.audit.models import AuditAnchor, AuditEntry, ChainHead
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
    write transaction already holds the database write lock).
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
        if agency_id is None:
            agency_id = getattr(obj, "agency_id", None)
    with transaction.atomic():
        head, _created = ChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"seq": 0, "hash": GENESIS}
        )
        entry = AuditEntry(
            seq=head.seq + 1,
            at=timezone.now(),
            actor_id=getattr(actor, "pk", None),
            actor_name=(getattr(actor, "username", "") or "")[:150],
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr[:200],
            agency_id=agency_id,
            summary=summary or {},
            prev_hash=head.hash,
        )
        # JSON round-trip so the hash is computed over exactly what the database will give back.
        entry.summary = _json_roundtrip(entry.summary)
        entry.hash = entry_hash(entry)
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
    """Recompute every hash and link in order; report the first entry that does not match."""
    prev = GENESIS
    expected_seq = 1
    count = 0
    last_seq = 0
    while True:
        rows = list(AuditEntry.objects.filter(seq__gt=last_seq).order_by("seq")[:batch])
        if not rows:
            break
        for entry in rows:
            if entry.seq != expected_seq:
                return VerifyResult(False, count, prev, entry.seq, "sequence gap")
            if entry.prev_hash != prev:
                return VerifyResult(False, count, prev, entry.seq, "previous hash does not match")
            if entry_hash(entry) != entry.hash:
                return VerifyResult(False, count, prev, entry.seq, "content does not match its hash")
            prev = entry.hash
            expected_seq += 1
            count += 1
            last_seq = entry.seq
    head = ChainHead.objects.filter(id=1).first()
    if head is not None and (head.seq != count or head.hash != prev):
        return VerifyResult(False, count, prev, head.seq, "chain head does not match the last entry")
    return VerifyResult(True, count, prev)


def audit_anchor_record(*, on: dt.date | None = None) -> AuditAnchor:
    """Record today's head (idempotent per date: a second call the same day keeps the first anchor)."""
    day = on or timezone.localdate()
    head = ChainHead.objects.filter(id=1).first()
    seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    anchor, _created = AuditAnchor.objects.get_or_create(
        date=day, defaults={"seq": seq, "head_hash": head_hash}
    )
    return anchor
