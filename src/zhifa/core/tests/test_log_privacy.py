"""Django's own lines about requests (django.request's "Not Found: <path>") go through the configured
handler's RequestPathFilter: a complaint's tracking code never reaches the log (config.log_privacy)."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from django.test import Client

from zhifa.config.log_privacy import RequestPathFilter


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """What the configured console handler (settings.LOGGING) writes, for the test's length."""
    (handler,) = [
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.StreamHandler) and any(isinstance(f, RequestPathFilter) for f in h.filters)
    ]
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        yield buffer
    finally:
        handler.setStream(previous)


@pytest.mark.django_db
def test_a_tracking_code_in_a_refused_path_is_withheld(client: Client, log_output: io.StringIO) -> None:
    response = client.get("/portal/complaints/ZX4K9PQ2/")
    assert response.status_code == 404
    written = log_output.getvalue()
    assert "Not Found: /portal/complaints/*/" in written
    assert "ZX4K9PQ2" not in written


@pytest.mark.parametrize(
    ("name", "args", "shown"),
    [
        (
            "django.request",
            ("Bad Request", "/portal/complaints/ZX4K9PQ2/feedback/"),
            "Bad Request: /portal/complaints/*/feedback/",
        ),
        ("django.server", ("GET /cases/?q=%E5%BC%A0 HTTP/1.1", "200", "5"), "GET /cases/?q=* HTTP/1.1 200 5"),
        ("zhifa.core.tasks", ("/portal/complaints/ZX4K9PQ2/", "x", "y"), "/portal/complaints/ZX4K9PQ2/ x y"),
    ],
)
def test_the_filter_reduces_request_loggers_paths_only(name: str, args: tuple[str, ...], shown: str) -> None:
    message = "%s: %s" if len(args) == 2 else "%s %s %s"
    record = logging.LogRecord(name, logging.WARNING, __file__, 1, message, args, None)
    assert RequestPathFilter().filter(record)
    assert record.getMessage() == shown


def test_a_handler_on_the_way_up_gets_the_reduced_path_too() -> None:
    """The filter also sits on django.request itself: Django's own handlers on the `django` logger
    (its console handler under DEBUG, mail_admins) run before the root's, and see the reduced path."""
    seen: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    handler = Collect()
    logging.getLogger("django").addHandler(handler)
    try:
        logging.getLogger("django.request").warning("%s: %s", "Not Found", "/portal/complaints/ZX4K9PQ2/")
    finally:
        logging.getLogger("django").removeHandler(handler)
    assert seen == ["Not Found: /portal/complaints/*/"]
