"""gunicorn's logger, its access line written without building every atom gunicorn offers.

For each request gunicorn's `Logger.access` builds a dictionary of ~25 atoms plus one per request
header, response header and WSGI environ key (formatting the date on the way), then copies it to escape
quotes, to fill a format that uses five of them: 32–48 µs of CPU a request, 3.5 % of a web process's
Python in the load mix (py-spy). `AccessLogger` fills `ACCESS_LOG_FORMAT` (the one zhifa.config.gunicorn
sets) from those five, escaped the same way, through the same logger: the same line for 11 µs (13 with
its target reduced, below). Any other format (an operator's `--access-logformat`) goes through
gunicorn's own code.

The line carries no personal data (docs/security.md, "What the logs keep"): `loggable_uri` keeps the
path and the query's parameter names, but a value only for the parameters listed in `KEPT_PARAMETERS`
(pages, states, dates, ids); a search term, a name or an ID number typed into a filter is written `*`.
A complaint's tracking code, which lets whoever holds it read the complaint's progress and answer for the
complainant, is written `*` too. Log files are read by operators who do not handle the matter.
"""

from __future__ import annotations

import datetime as dt
import re
import traceback
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from gunicorn import glogging

ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms'

# Query parameters whose values say which page, state, period or record was asked for, never who: their
# values are logged. Any other parameter's value is withheld (deny by default: a new filter is private
# until it is listed here).
KEPT_PARAMETERS = frozenset(
    {
        "page", "page_size", "limit", "offset", "sort", "order", "format", "download", "tab",
        "agency", "kind", "case", "status", "state", "year", "from", "to", "retired", "overdue",
        "node", "new", "measure", "category", "action",
    }
)  # fmt: skip
WITHHELD = "*"
# Where a path carries a complaint's tracking code (the portal's pages and the public API), but not the
# portal's own `new/` and `track/` pages beside them; not anchored, for a deployment under a sub-path.
_TRACKING_CODE = re.compile(r"((?:/api/v1/public|/portal)/complaints/)(?!(?:new|track)(?:/|$))[^/]+")


def loggable_uri(raw_uri: str) -> str:
    """The request target as the access line may show it: see the module's docstring."""
    if raw_uri.startswith("/"):
        path, sep, query = raw_uri.partition("?")
    else:  # an absolute-form target (`GET http://host/path`): only its path and query are kept
        parts = urlsplit(raw_uri)
        path, sep, query = parts.path or "/", "?" if parts.query else "", parts.query
    # Matched as Django routes it (percent-decoded), so `/portal/%63omplaints/<code>/` is caught too.
    decoded = unquote(path) if "%" in path else path
    masked, found = _TRACKING_CODE.subn(r"\g<1>" + WITHHELD, decoded, count=1)
    if found:
        path = quote(masked, safe="/*")
    if not sep:
        return path
    shown = []
    for item in query.split("&"):
        name, eq, value = item.partition("=")
        withheld = eq and value and unquote(name) not in KEPT_PARAMETERS
        shown.append(f"{name}={WITHHELD}" if withheld else item)
    return f"{path}?{'&'.join(shown)}"


class AccessLogger(glogging.Logger):  # type: ignore[misc]
    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: dt.timedelta) -> None:
        if self.cfg.access_log_format != ACCESS_LOG_FORMAT:
            super().access(resp, req, environ, request_time)
            return
        if not self.access_log_enabled:
            return
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        atoms = {
            "h": environ.get("REMOTE_ADDR", "-"),
            "r": f"{environ['REQUEST_METHOD']} {loggable_uri(environ['RAW_URI'])} {environ['SERVER_PROTOCOL']}",
            "s": status,
            "B": getattr(resp, "sent", None),
            "M": (request_time.seconds * 1000) + int(request_time.microseconds / 1000),
        }
        # (gunicorn's SafeAtoms: a quote in a value is escaped, so a request line cannot forge a field)
        safe = {k: v.replace('"', '\\"') if isinstance(v, str) else v for k, v in atoms.items()}
        try:
            self.access_log.info(ACCESS_LOG_FORMAT, safe)
        except Exception:
            self.error(traceback.format_exc())
