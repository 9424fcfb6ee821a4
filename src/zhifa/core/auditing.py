"""The door through which the foundation writes audit entries without importing the audit app.

The audit app installs its `audit_record` here in `AppConfig.ready()`; the workflow engine, the file
store and core's own services call `audit_record(...)`. Nothing is ever left unaudited: without a
recorder installed the call fails loudly instead of skipping the entry.

`audit_record_many(actor=, action=, items=)` appends one entry per item under a single acquisition of
the chain head (a batch of the nightly sweep): the same entries, hashes and links as one call per item.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class AuditItem:
    """One entry of a batch: the object it is about, its agency (default: the object's) and summary."""

    obj: Any
    summary: dict[str, Any] = field(default_factory=dict)
    agency_id: int | None = None


class AuditRecorder(Protocol):
    def __call__(
        self, *, actor: Any, action: str, obj: Any, summary: dict[str, Any], agency_id: int | None = ...
    ) -> Any: ...


class AuditBatchRecorder(Protocol):
    def __call__(self, *, actor: Any, action: str, items: Sequence[AuditItem]) -> Any: ...


_recorder: list[AuditRecorder] = []
_batch_recorder: list[AuditBatchRecorder] = []


def set_audit_recorder(fn: AuditRecorder, batch: AuditBatchRecorder | None = None) -> None:
    _recorder[:] = [fn]
    if batch is not None:
        _batch_recorder[:] = [batch]


def audit_record(**kwargs: Any) -> Any:
    if not _recorder:
        raise RuntimeError("zhifa.core.auditing: no audit recorder installed (is zhifa.audit loaded?)")
    return _recorder[0](**kwargs)


def audit_record_many(*, actor: Any, action: str, items: Sequence[AuditItem]) -> Any:
    if not _batch_recorder:
        raise RuntimeError("zhifa.core.auditing: no batch audit recorder installed (is zhifa.audit loaded?)")
    return _batch_recorder[0](actor=actor, action=action, items=items)
