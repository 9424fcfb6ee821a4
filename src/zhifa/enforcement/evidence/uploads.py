"""Resumable uploads (docs/evidence.md, "Resumable upload protocol").

A client opens a session with the file's size and metadata (validated at once), then sends the bytes
in chunks, each at the offset the server reports; after a dropped connection it asks for the offset
and continues from there. When the last byte arrives the file is hashed, checked and registered exactly
like a single-request upload.

The received bytes live in the database (`UploadPart`, at most PART_SIZE bytes a row), not on one
server's disk, so behind a load balancer any app server can take the next chunk. Each part is written
in its own short transaction that locks the session row and checks that the session's offset is still
where this request started it: two requests racing for the same offset cannot both write, a chunk cut
off half-way keeps the parts that arrived, and no lock is held while a slow mobile client sends (on
SQLite a long write transaction would stop every other writer). `UploadSession.offset` is the truth.
When the last part is in, the parts are joined into a local staging file on the server that received
it, hashed, and handed to the same ingest as a single-request upload; the parts are then deleted.
"""

from __future__ import annotations

import datetime as dt
import errno
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
from zhifa.enforcement.evidence.models import Evidence, UploadPart, UploadSession
from zhifa.enforcement.evidence.services import evidence_ingest
from zhifa.enforcement.evidence.staging import DiskFull, StagedFile, _new_staging_file, rehash_file
from zhifa.org.models import OrgNode

SESSION_LIFETIME = dt.timedelta(hours=24)  # since the last chunk; abandoned sessions are swept
MAX_SIZE = 64 * 1024**3  # 64 GiB: a day of body-camera footage is well under this


PART_SIZE = 1024 * 1024  # one database row; a request's memory stays at this whatever its chunk size


class OffsetMismatch(Conflict):
    code = "offset_mismatch"


class StagingFull(DiskFull):
    """The server could not write the joined file (its disk is full); the received parts are kept and
    the client can send the final request again later."""


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
        session.staging_name = f"db:{session.id}"  # the parts are UploadPart rows
        session.case = case
        session.save(force_insert=True)
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
    _check_offset(session.offset, offset)
    if offset + length > session.size:
        raise InvalidInput(
            _("This chunk goes past the declared size of %(size)s bytes.") % {"size": session.size},
            detail={"offset": session.offset, "size": session.size},
        )
    position, remaining = offset, length
    while remaining:
        piece = _read_piece(read, min(PART_SIZE, remaining))
        if not piece:
            break
        _store_part(session, position, piece)
        position += len(piece)
        remaining -= len(piece)
    session.offset = position
    if remaining:
        raise InvalidInput(
            _("The chunk was cut off after %(got)s bytes; continue from byte %(offset)s.")
            % {"got": length - remaining, "offset": position},
            code="chunk_incomplete",
            detail={"offset": position},
        )
    if position == session.size:
        _complete(session, actor=actor)
    return session


def _check_offset(current: int, offset: int) -> None:
    if offset != current:
        raise OffsetMismatch(
            _("The upload is at byte %(current)s, not %(offset)s; continue from %(current)s.")
            % {"current": current, "offset": offset},
            detail={"offset": current},
        )


def _read_piece(read: Callable[[int], bytes], size: int) -> bytes:
    """Up to `size` bytes; fewer only at the end of the body (a read may return a short block)."""
    blocks: list[bytes] = []
    wanted = size
    while wanted:
        block = read(wanted)
        if not block:
            break
        blocks.append(block)
        wanted -= len(block)
    return b"".join(blocks)


def _store_part(session: UploadSession, position: int, piece: bytes) -> None:
    """One short transaction: the session row locked, its offset still ours, the part and the new
    offset written together."""
    with transaction.atomic():
        locked = UploadSession.objects.select_for_update().get(pk=session.pk)
        _check_open(locked)
        _check_offset(locked.offset, position)
        UploadPart.objects.create(session_id=session.pk, offset=position, data=piece)
        UploadSession.objects.filter(pk=session.pk).update(
            offset=position + len(piece), expires_at=timezone.now() + SESSION_LIFETIME
        )


def _join_parts(session: UploadSession) -> Path:
    """The received parts, in order, as one local staging file (removed again on any failure)."""
    out = _new_staging_file(get_store().staging_dir, prefix="resumable-")
    path = Path(out.name)
    try:
        with out:
            expected = 0
            parts = UploadPart.objects.filter(session_id=session.pk).order_by("offset")
            for part_offset, data in parts.values_list("offset", "data").iterator(chunk_size=8):
                if part_offset != expected:
                    raise Conflict(
                        _("The received parts of this upload are not contiguous; start a new one.")
                    )
                out.write(data)
                expected += len(data)
    except OSError as exc:
        path.unlink(missing_ok=True)
        if exc.errno in {errno.ENOSPC, errno.EDQUOT}:
            raise StagingFull(
                _(
                    "The server has no room to finish this upload now; nothing was lost, send the last request again later."
                ),
                detail={"offset": session.offset},
            ) from exc
        raise
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def _complete(session: UploadSession, *, actor: Any) -> None:
    # Joined and hashed outside any transaction (it may be gigabytes); only the registration below
    # holds the session row, so a repeated last request cannot complete the upload twice.
    path = _join_parts(session)
    try:
        sha256, sm3, size, head = rehash_file(path)
        staged = StagedFile(
            path=path, size=size, sha256=sha256, sm3=sm3, head=head, original_name=session.filename
        )
        meta = EvidenceMeta(**_meta_kwargs(session.metadata))
        try:
            with transaction.atomic():
                locked = UploadSession.objects.select_for_update().get(pk=session.pk)
                if locked.state != UploadSession.State.OPEN:
                    session.state, session.evidence = locked.state, locked.evidence
                    return
                evidence = evidence_ingest(
                    actor=actor, staged=staged, agency=session.agency, meta=meta, case=_case(session)
                )
                UploadSession.objects.filter(pk=session.pk).update(
                    state=UploadSession.State.COMPLETE, evidence=evidence
                )
                UploadPart.objects.filter(session_id=session.pk).delete()
        except DomainError as exc:
            with transaction.atomic():
                UploadSession.objects.filter(pk=session.pk, state=UploadSession.State.OPEN).update(
                    state=UploadSession.State.FAILED, error=str(exc.message)[:300]
                )
                UploadPart.objects.filter(session_id=session.pk).delete()
            session.state = UploadSession.State.FAILED
            raise
        session.state = UploadSession.State.COMPLETE
        session.evidence = evidence
    finally:
        path.unlink(missing_ok=True)  # consumed by the store when registered; removed otherwise


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
        UploadPart.objects.filter(session_id=session.pk).delete()
    session.state = UploadSession.State.ABORTED
    return session


def upload_sessions_sweep(*, now: dt.datetime | None = None) -> int:
    """Drop the received parts of expired sessions (huey periodic task). Returns how many sessions."""
    now = now or timezone.now()
    with transaction.atomic():
        expired = list(
            UploadSession.objects.filter(state=UploadSession.State.OPEN, expires_at__lt=now).values_list(
                "pk", flat=True
            )
        )
        UploadPart.objects.filter(session_id__in=expired).delete()
        UploadSession.objects.filter(pk__in=expired).update(state=UploadSession.State.ABORTED)
    return len(expired)


def completed_evidence(session: UploadSession) -> Evidence | None:
    return session.evidence if session.state == UploadSession.State.COMPLETE else None
