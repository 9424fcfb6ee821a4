"""zhifa.config.gunicorn_log.AccessLogger writes the access line gunicorn's own logger writes for the
format `make run` uses (quotes escaped, a missing size, a status given as text or as a number), except
that a query value that may be personal and a complaint's tracking code are withheld; it hands any other
format to gunicorn."""

from __future__ import annotations

import datetime as dt
import logging
from types import SimpleNamespace
from typing import Any

import pytest
from gunicorn import glogging
from gunicorn.config import Config

from zhifa.config.gunicorn_log import ACCESS_LOG_FORMAT, AccessLogger
from zhifa.config.log_privacy import loggable_uri


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def _write(logger_class: type[glogging.Logger], log_format: str, calls: list[tuple[Any, ...]]) -> list[str]:
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", log_format)
    logger = logger_class(cfg)
    lines = _Lines()
    logger.access_log.handlers = [lines]
    for call in calls:
        logger.access(*call)
    return lines.lines


def _calls() -> list[tuple[Any, ...]]:
    def environ(method: str, uri: str, addr: str | None = "127.0.0.1") -> dict[str, Any]:
        env: dict[str, Any] = {"REQUEST_METHOD": method, "RAW_URI": uri, "SERVER_PROTOCOL": "HTTP/1.1"}
        env.update({"HTTP_USER_AGENT": 'evil" agent', "wsgi.input": None})
        if addr:
            env["REMOTE_ADDR"] = addr
        return env

    req = SimpleNamespace(headers=[("HOST", "x"), ("USER-AGENT", 'evil" agent')])
    ok = SimpleNamespace(status="200 OK", sent=1234, headers=[("Content-Type", "text/html")])
    created = SimpleNamespace(status=201, sent=None, headers=[])
    return [
        (ok, req, environ("GET", "/cases/?page=2&state=filed"), dt.timedelta(microseconds=12_345)),
        (
            created,
            req,
            environ("POST", '/api/v1/cases?page="forged" 200'),
            dt.timedelta(seconds=2, microseconds=7),
        ),
        (ok, req, environ("GET", "/", addr=None), dt.timedelta(0)),
    ]


def test_the_line_is_gunicorns_for_the_served_format() -> None:
    want = _write(glogging.Logger, ACCESS_LOG_FORMAT, _calls())
    assert _write(AccessLogger, ACCESS_LOG_FORMAT, _calls()) == want
    assert want[1] == '127.0.0.1 "POST /api/v1/cases?page=\\"forged\\" 200 HTTP/1.1" 201 None 2000ms'


def test_a_search_term_and_a_tracking_code_never_reach_the_line() -> None:
    ok = SimpleNamespace(status="200 OK", sent=10, headers=[])
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/cases/?q=%E5%BC%A0%E4%B8%89&party=110101199001011234&page=3",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.9",
    }
    (line,) = _write(AccessLogger, ACCESS_LOG_FORMAT, [(ok, None, environ, dt.timedelta(0))])
    assert line == '10.0.0.9 "GET /cases/?q=*&party=*&page=3 HTTP/1.1" 200 10 0ms'


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("/", "/"),
        ("/cases/123/", "/cases/123/"),
        ("/cases/?page=2&state=filed&agency=4", "/cases/?page=2&state=filed&agency=4"),
        ("/cases/?q=%E6%B8%A3%E5%9C%9F&page=2", "/cases/?q=*&page=2"),
        ("/api/v1/cases?number=&x&limit=20", "/api/v1/cases?number=&x&limit=20"),  # nothing to withhold
        ("/api/v1/cases?Q=1&q%5B%5D=2&%70age=3", "/api/v1/cases?Q=*&q%5B%5D=*&%70age=3"),
        ("/portal/complaints/new/", "/portal/complaints/new/"),
        ("/portal/complaints/track/?code=ZX4K9P", "/portal/complaints/track/?code=*"),
        ("/portal/complaints/newly/", "/portal/complaints/*/"),
        ("/portal/%63omplaints/ZX4K9P/review/", "/portal/complaints/*/review/"),
        ("/zhifa/portal/complaints/ZX4K9P", "/zhifa/portal/complaints/*"),
        ("http://example.org/portal/complaints/ZX4K9P/?q=x", "/portal/complaints/*/?q=*"),
        ("/portal/inspections/code/JC7Q2M/", "/portal/inspections/code/*/"),
        ("/api/v1/public/inspection-codes/JC7Q2M/rating", "/api/v1/public/inspection-codes/*/rating"),
        ("/portal/inspections/results/?page=2", "/portal/inspections/results/?page=2"),
    ],
)
def test_loggable_uri(raw: str, shown: str) -> None:
    assert loggable_uri(raw) == shown


def test_every_route_that_carries_a_key_is_withheld() -> None:
    from django.urls import reverse

    code = "ZX4K9PQ2"
    names = ["portal:complaint_progress", "portal:complaint_feedback", "portal:complaint_review"]
    names += ["api:public_complaint_progress", "api:public_complaint_feedback", "api:public_complaint_review"]
    names += [
        "inspections_public:code",
        "api:public_code",
        "api:public_rating",
    ]  # an inspection's code: its holder rates
    for name in names:
        uri = reverse(name, args=[code])
        assert code in uri and code not in loggable_uri(uri), uri


@pytest.mark.parametrize("log_format", ['%(h)s %(t)s "%(a)s" %(D)s', "%({user-agent}i)s %(s)s"])
def test_another_format_is_gunicorns_own(log_format: str) -> None:
    def strip_time(lines: list[str]) -> list[str]:  # (%(t)s is the clock's)
        return [line.split(" [", 1)[0] + line.split("]", 1)[-1] if "[" in line else line for line in lines]

    want = strip_time(_write(glogging.Logger, log_format, _calls()))
    assert strip_time(_write(AccessLogger, log_format, _calls())) == want


def test_the_served_configuration_uses_it() -> None:
    from zhifa.config import gunicorn as served

    assert served.logger_class == "zhifa.config.gunicorn_log.AccessLogger"
    assert served.access_log_format == ACCESS_LOG_FORMAT
