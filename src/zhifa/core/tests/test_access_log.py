"""zhifa.config.gunicorn_log.AccessLogger writes the access line gunicorn's own logger writes for the
format `make run` uses (quotes escaped, a missing size, a status given as text or as a number), and
hands any other format to gunicorn."""

from __future__ import annotations

import datetime as dt
import logging
from types import SimpleNamespace
from typing import Any

import pytest
from gunicorn import glogging
from gunicorn.config import Config

from zhifa.config.gunicorn_log import ACCESS_LOG_FORMAT, AccessLogger


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
        (ok, req, environ("GET", "/cases/?q=%E6%B8%A3%E5%9C%9F"), dt.timedelta(microseconds=12_345)),
        (
            created,
            req,
            environ("POST", '/api/v1/cases?x="forged" 200'),
            dt.timedelta(seconds=2, microseconds=7),
        ),
        (ok, req, environ("GET", "/", addr=None), dt.timedelta(0)),
    ]


def test_the_line_is_gunicorns_for_the_served_format() -> None:
    want = _write(glogging.Logger, ACCESS_LOG_FORMAT, _calls())
    assert _write(AccessLogger, ACCESS_LOG_FORMAT, _calls()) == want
    assert want[1] == '127.0.0.1 "POST /api/v1/cases?x=\\"forged\\" 200 HTTP/1.1" 201 None 2000ms'


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
