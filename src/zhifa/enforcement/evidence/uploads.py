"""Resumable uploads (docs/evidence.md, "Resumable upload protocol").

A client opens a session with the file's size and metadata (validated at once), then sends the bytes
in chunks, each at the offset the server reports; after a dropped connection it asks for the offset
and continues from there. When the last byte arrives the file is hashed, checked and registered exactly
like a single-request upload.

Chunks are appended to one staging file per session. The file on disk is the truth about the offset:
a chunk cut off half-way leaves its received bytes, and the next request starts after them. Appends to
one session are serialised with an exclusive lock on that file (not a database lock: a chunk over a
slow mobile link may take minutes, and on SQLite a write transaction would stop every other writer).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.audit.services import audit_record
from zhifa.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from zhifa.core.files.storage import get_store
from zhifa.enforcement.cases.selectors import require_case_writable
from zhifa.enforcement.evidence import permissions
from zhifa.enforcement.evidence.meta import EvidenceMeta, parse_meta
from zhifa.enforcement.evidence.models import Evidence, UploadSession
from zhifa.enforcement.evidence.services import evidence_ingest
from zhifa.enforcement.evidence.staging import CHUNK, StagedFile, rehash_file
from zhifa.org.models import OrgNode

SESSION_LIFETIME = dt.timedelta(hours=24)  # since the last chunk; abandoned sessions are swept
MAX_SIZE = 64 * 1024**3  # 64 GiB: a day of body-camera footage is well under this


class OffsetMismatch(Conflict):
    code = "offset_mismatch"


def _staging_path(session: UploadSession) -> Path:
    return get_store().staging_dir / session.staging_name


def upload_session_open(
    *,
    actor: Any,
    agency: OrgNode,
    size: int,
    filename: str,
    fields: dict[str, Any],
    case: Any | None = None,
) -> UploadSession:
    meta = parse_meta(fields)
    if case is not None:
        agency = case.agency
        require_case_writable(case)
    if not 0 < size <= MAX_SIZE:
        raise InvalidInput(
            _("The size must be between 1 byte and 64 GiB."), detail={"fields": {"size": size}}
        )
    if meta.size is not None and meta.size != size:
        raise InvalidInput(_("Two different sizes were given."))
    if not permissions.can_add(actor, agency.pk):
        raise Forbidden(_("You cannot add evidence for this agency."))
    now = timezone.now()
    with transaction.atomic():
        session = UploadSession(
            agency=agency,
            created_by=actor,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
            size=size,
            filename=filename.strip()[:255],
            metadata=meta.as_json(),
            declared_sha256=meta.sha256,
        )
        session.staging_name = f"session-{session.id}"
        session.case = case
        session.save(force_insert=True)
        _staging_path(session).touch(mode=0o640, exist_ok=False)
    return session


def upload_session_get(*, actor: Any, session_id: Any) -> UploadSession:
    session = UploadSession.objects.filter(pk=session_id).first()
    if session is None or session.created_by_id != actor.pk:
        raise NotFound(_("No such upload, or it is not yours."))
    return session


def _check_open(session: UploadSession) -> None:
    if session.state != UploadSession.State.OPEN:
        raise Conflict(
            _("This upload is no longer open (%(state)s).") % {"state": session.get_state_display()}
        )
    if session.expires_at < timezone.now():
        raise Conflict(_("This upload has expired; start a new one."), code="upload_expired")


def upload_session_append(
    *,
    actor: Any,
    session_id: Any,
    offset: int,
    length: int,
    read: Callable[[int], bytes],
) -> UploadSession:
    """Append `length` bytes (read from the request body with `read`) at `offset`.

    Completes the upload when the last byte arrives. A chunk that stops short keeps what arrived.
    """
    session = upload_session_get(actor=actor, session_id=session_id)
    _check_open(session)
    if length < 0 or offset < 0:
        raise InvalidInput(_("Offset and length must not be negative."))
    path = _staging_path(session)
    with open(path, "r+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        current = os.fstat(fh.fileno()).st_size
        if offset != current:
            raise OffsetMismatch(
                _("The upload is at byte %(current)s, not %(offset)s; continue from %(current)s.")
                % {"current": current, "offset": offset},
                detail={"offset": current},
            )
        if offset + length > session.size:
            raise InvalidInput(
                _("This chunk goes past the declared size of %(size)s bytes.") % {"size": session.size},
                detail={"offset": current, "size": session.size},
            )
        fh.seek(offset)
        remaining = length
        while remaining:
            data = read(min(CHUNK, remaining))
            if not data:
                break
            fh.write(data)
            remaining -= len(data)
        fh.flush()
        received = os.fstat(fh.fileno()).st_size
        UploadSession.objects.filter(pk=session.pk).update(
            offset=received, expires_at=timezone.now() + SESSION_LIFETIME
        )
        session.offset = received
        if remaining:
            raise InvalidInput(
                _("The chunk was cut off after %(got)s bytes; continue from byte %(offset)s.")
                % {"got": length - remaining, "offset": received},
                code="chunk_incomplete",
                detail={"offset": received},
            )
        # Still under the file lock: a repeated last request cannot complete the upload twice.
        if received == session.size:
            session.refresh_from_db(fields=["state"])
            _check_open(session)
            _complete(session, actor=actor, path=path)
    return session


def _complete(session: UploadSession, *, actor: Any, path: Path) -> None:
    sha256, sm3, size, head = rehash_file(path)
    staged = StagedFile(
        path=path, size=size, sha256=sha256, sm3=sm3, head=head, original_name=session.filename
    )
    meta = EvidenceMeta(**_meta_kwargs(session.metadata))
    try:
        evidence = evidence_ingest(
            actor=actor, staged=staged, agency=session.agency, meta=meta, case=_case(session)
        )
    except DomainError as exc:
        UploadSession.objects.filter(pk=session.pk).update(
            state=UploadSession.State.FAILED, error=str(exc.message)[:300]
        )
        session.state = UploadSession.State.FAILED
        path.unlink(missing_ok=True)
        raise
    UploadSession.objects.filter(pk=session.pk).update(state=UploadSession.State.COMPLETE, evidence=evidence)
    session.state = UploadSession.State.COMPLETE
    session.evidence = evidence


def _case(session: UploadSession) -> Any | None:
    return session.case


def _meta_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    """The stored JSON back into EvidenceMeta's types (it was validated when the session opened)."""
    from decimal import Decimal

    from django.utils.dateparse import parse_datetime

    kwargs = dict(data)
    kwargs["captured_at"] = parse_datetime(data["captured_at"]) if data.get("captured_at") else None
    for key in ("latitude", "longitude"):
        kwargs[key] = Decimal(data[key]) if data.get(key) is not None else None
    return kwargs


def upload_session_abort(*, actor: Any, session_id: Any) -> UploadSession:
    session = upload_session_get(actor=actor, session_id=session_id)
    _check_open(session)
    with transaction.atomic():
        UploadSession.objects.filter(pk=session.pk).update(state=UploadSession.State.ABORTED)
        audit_record(actor=actor, action="evidence.upload_aborted", obj=session, agency_id=session.agency_id)
    _staging_path(session).unlink(missing_ok=True)
    session.state = UploadSession.State.ABORTED
    return session


def upload_sessions_sweep(*, now: dt.datetime | None = None) -> int:
    """Remove the staging files of expired sessions (huey periodic task). Returns how many."""
    now = now or timezone.now()
    expired = list(UploadSession.objects.filter(state=UploadSession.State.OPEN, expires_at__lt=now))
    for session in expired:
        _staging_path(session).unlink(missing_ok=True)
    UploadSession.objects.filter(pk__in=[s.pk for s in expired]).update(state=UploadSession.State.ABORTED)
    return len(expired)


def completed_evidence(session: UploadSession) -> Evidence | None:
    return session.evidence if session.state == UploadSession.State.COMPLETE else None
