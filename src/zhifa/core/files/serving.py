"""Sending a stored file to someone allowed to see it: streamed, with Range requests, each request audited.

Nothing under MEDIA_ROOT or the store is served by URL: a file goes out only through a view that first
found its record through a selector applying the caller's scope (404 otherwise) and then calls
`serve_blob`. Each request — a whole download or one range of a video being watched — writes an audit
entry naming the record and the bytes sent (chain of custody).

Behind a front server the bytes can be sent by it instead (`ZHIFA_FILES_ACCEL`, local store only):

- `nginx`: the response carries `X-Accel-Redirect: <ZHIFA_FILES_ACCEL_PREFIX><storage name>`; nginx
  needs an `internal` location mapping that prefix onto the store root, e.g.
  `location /protected-files/ { internal; alias /var/lib/zhifa/media/evidence/; }`.
- `sendfile`: the response carries `X-Sendfile: <absolute path>` (Apache mod_xsendfile, lighttpd).

The front server then answers Range requests itself; the access check and the audit entry still happen
here first. S3 stores are always streamed through the application.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import models
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from zhifa.config.env import env
from zhifa.core.auditing import audit_record
from zhifa.core.errors import Conflict
from zhifa.core.files.models import Blob
from zhifa.core.files.services import blob_open
from zhifa.core.files.storage import get_store

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_NOT_ASCII_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def content_disposition(name: str, *, fallback: str, as_attachment: bool = True) -> str:
    """`attachment; filename="dossier-12.pdf"; filename*=UTF-8''%E6%B5%B7…`: the Chinese name in RFC 5987
    (RFC 6266 §4.3: browsers prefer `filename*`) and an ASCII name for clients that read only
    `filename` (old mail clients, some download managers). `fallback` is reduced to safe ASCII."""
    disposition = "attachment" if as_attachment else "inline"
    plain = _NOT_ASCII_NAME.sub("_", fallback).strip("._") or "download"
    return f"{disposition}; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive

    @property
    def length(self) -> int:
        return self.end - self.start + 1


class RangeNotSatisfiable(Exception):
    pass


def parse_range(header: str, size: int) -> ByteRange | None:
    """The single byte range asked for (RFC 9110 §14.1.2), or None to send the whole file (no header,
    a malformed one, or several ranges, which a server may answer with the whole representation).
    Raises RangeNotSatisfiable for a range that starts past the end."""
    header = header.strip()
    if not header or "," in header:
        return None
    match = _RANGE.match(header.replace(" ", ""))
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # a suffix: the last N bytes
        n = int(last)
        if n == 0 or size == 0:
            raise RangeNotSatisfiable
        return ByteRange(max(0, size - n), size - 1)
    start = int(first)
    if start >= size:
        raise RangeNotSatisfiable
    end = int(last) if last else size - 1
    if end < start:
        return None
    return ByteRange(start, min(end, size - 1))


def accel_mode() -> str:
    return str(getattr(settings, "ZHIFA_FILES_ACCEL", None) or env("FILES_ACCEL", "")).strip().lower()


def accel_prefix() -> str:
    return str(
        getattr(settings, "ZHIFA_FILES_ACCEL_PREFIX", None) or env("FILES_ACCEL_PREFIX", "/protected-files/")
    )


def serve_blob(
    request: HttpRequest,
    blob: Blob,
    *,
    audit_action: str,
    audit_obj: models.Model,
    filename: str,
    as_attachment: bool = False,
    content_type: str | None = None,
    agency_id: int | None = None,
    audit_repr: str = "",
    ascii_filename: str = "",
) -> HttpResponseBase:
    """The response sending `blob` to `request.user`, who the caller has already found may see
    `audit_obj` (through its selector). Raises Conflict (409) when the content was destroyed or is
    missing from the store. With `ascii_filename` the header carries it beside the RFC 5987 name."""
    if blob.destroyed_at is not None:
        raise Conflict(_("The content of this file was destroyed on approval."), code="content_destroyed")
    store = get_store()
    if not store.exists(blob.name):
        raise Conflict(
            _("The stored file is missing; the administrators have been alerted by the integrity check."),
            code="content_missing",
        )
    mode = accel_mode()
    local = store.local_path(blob.name)
    etag = f'"{blob.sha256}"'
    wanted = request.headers.get("Range", "")
    if_range = request.headers.get("If-Range", "")
    if if_range and if_range != etag:  # the client's copy is of other content: send all of this one
        wanted = ""
    try:
        byte_range = None if (mode and local is not None) else parse_range(wanted, blob.size)
    except RangeNotSatisfiable:
        response: HttpResponseBase = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{blob.size}"
        return response
    summary: dict[str, Any] = {"sha256": blob.sha256, "size": blob.size}
    if byte_range is not None:
        summary["range"] = f"{byte_range.start}-{byte_range.end}"
    audit_record(
        actor=request.user if request.user.is_authenticated else None,
        action=audit_action,
        obj=audit_obj,
        object_repr=audit_repr,
        agency_id=agency_id,
        summary=summary,
    )
    if mode and local is not None:
        response = HttpResponse(content_type=content_type or blob.mime)
        if mode == "sendfile":
            response["X-Sendfile"] = str(local)
        else:
            response["X-Accel-Redirect"] = accel_prefix().rstrip("/") + "/" + blob.name
    elif byte_range is not None:
        response = StreamingHttpResponse(
            blob_open(blob, start=byte_range.start, length=byte_range.length),
            status=206,
            content_type=content_type or blob.mime,
        )
        response["Content-Range"] = f"bytes {byte_range.start}-{byte_range.end}/{blob.size}"
        response["Content-Length"] = str(byte_range.length)
    else:
        response = StreamingHttpResponse(blob_open(blob), content_type=content_type or blob.mime)
        response["Content-Length"] = str(blob.size)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["X-Content-SHA256"] = blob.sha256
    response["X-Content-SM3"] = blob.sm3
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"  # a stored file is never a page of this site
    response["Cache-Control"] = "private, no-store"
    if ascii_filename:
        response["Content-Disposition"] = content_disposition(
            filename, fallback=ascii_filename, as_attachment=as_attachment
        )
    else:
        response["Content-Disposition"] = content_disposition_header(as_attachment, filename) or "inline"
    return response
