"""What the logs may show of a request: no personal data, no key (docs/security.md, "What the logs keep").

Log files are read by operators who do not handle the matter, and are kept and copied by whatever rotates
them. `loggable_uri` keeps a request target's path and its query's parameter names, but a value only for
the parameters listed in `KEPT_PARAMETERS` (pages, states, dates, ids); a search term, a name or an ID
number typed into a filter is written `*`. The keys a path can carry are written `*` too: a complaint's
tracking code (whoever holds it reads the complaint's progress and answers for the complainant) and an
inspection's code (whoever holds it rates the inspection).

Two writers use it: gunicorn's access line (`zhifa.config.gunicorn_log`) and Django's own lines about
requests ("Not Found: /portal/complaints/<code>/", "Bad Request: …" from `django.request`), through
`RequestPathFilter` on the one log handler (`settings.LOGGING`).
"""

from __future__ import annotations

import logging
import re
from urllib.parse import quote, unquote, urlsplit

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
# Where a path carries a key: a complaint's tracking code (the portal's pages and the public API, but
# not the portal's own `new/` and `track/` pages beside them) or an inspection's code (printed on the
# notice left with the enterprise; whoever holds it rates the inspection once). Not anchored, for a
# deployment under a sub-path.
_KEY_IN_PATH = re.compile(
    r"((?:/api/v1/public|/portal)/complaints/(?!(?:new|track)(?:/|$))"
    r"|/portal/inspections/code/|/api/v1/public/inspection-codes/)[^/]+"
)


def loggable_uri(raw_uri: str) -> str:
    """The request target as the access line may show it: see the module's docstring."""
    if raw_uri.startswith("/"):
        path, sep, query = raw_uri.partition("?")
    else:  # an absolute-form target (`GET http://host/path`): only its path and query are kept
        parts = urlsplit(raw_uri)
        path, sep, query = parts.path or "/", "?" if parts.query else "", parts.query
    # Matched as Django routes it (percent-decoded), so `/portal/%63omplaints/<code>/` is caught too.
    decoded = unquote(path) if "%" in path else path
    masked, found = _KEY_IN_PATH.subn(r"\g<1>" + WITHHELD, decoded, count=1)
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


# The loggers whose lines name a request's path among their arguments (Django's `log_response`: the
# reason, then `request.path`; the development server: the request line).
REQUEST_LOGGERS = ("django.request", "django.server", "django.security")


class RequestPathFilter(logging.Filter):
    """Passes every record, with each path among a request logger's arguments reduced by `loggable_uri`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith(REQUEST_LOGGERS) and isinstance(record.args, tuple):
            record.args = tuple(_reduced(arg) for arg in record.args)
        return True


def _reduced(arg: object) -> object:
    if not isinstance(arg, str):
        return arg
    if arg.startswith("/"):
        return loggable_uri(arg)
    method, space, rest = arg.partition(" ")  # the development server's "GET /path HTTP/1.1"
    if space and method.isupper() and rest.startswith("/"):
        target, space, protocol = rest.partition(" ")
        return f"{method} {loggable_uri(target)}{space}{protocol}"
    return arg
