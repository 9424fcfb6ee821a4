"""Hashing of audit entries: SM3 (GB/T 32905) over a canonical JSON of the entry and the previous hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

GENESIS = "0" * 64


def sm3_hex(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def canonical(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def entry_fields(entry: Any) -> dict[str, Any]:
    """The hashed content of an entry. Timestamps are hashed in UTC ISO form so the hash does not depend
    on the database's timezone handling."""
    return {
        "seq": int(entry.seq),
        "at": entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "agency_id": entry.agency_id,
        "summary": entry.summary,
        "prev_hash": entry.prev_hash,
    }


def entry_hash(entry: Any) -> str:
    return sm3_hex(canonical(entry_fields(entry)))
