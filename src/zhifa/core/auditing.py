"""The door through which the foundation writes audit entries without importing the audit app.

The audit app installs its `audit_record` here in `AppConfig.ready()`; the workflow engine, the file
store and core's own services call `audit_record(...)`. Nothing is ever left unaudited: without a
recorder installed the call fails loudly instead of skipping the entry.
"""

from __future__ import annotations

from typing import Any, Protocol


class AuditRecorder(Protocol):
    def __call__(
        self, *, actor: Any, action: str, obj: Any, summary: dict[str, Any], agency_id: int | None = ...
    ) -> Any: ...


_recorder: list[AuditRecorder] = []


def set_audit_recorder(fn: AuditRecorder) -> None:
    _recorder[:] = [fn]


def audit_record(**kwargs: Any) -> Any:
    if not _recorder:
        raise RuntimeError("zhifa.core.auditing: no audit recorder installed (is zhifa.audit loaded?)")
    return _recorder[0](**kwargs)
