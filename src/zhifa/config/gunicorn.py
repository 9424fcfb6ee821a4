"""gunicorn settings for `make run` and for each app server of a scaled-out deployment.

`gunicorn -c python:zhifa.config.gunicorn zhifa.config.wsgi`. Everything can be overridden by the
environment (ZHIFA_BIND, WEB_CONCURRENCY, WEB_THREADS, WEB_TIMEOUT, FORWARDED_ALLOW_IPS).

Workers are sized to the machine: 2 × cores + 1 processes (gunicorn's own guidance: while one waits on
the database another computes), capped at 9 so a large host does not open more database connections
than PostgreSQL's default allows for several app servers. Each process runs a few threads (`gthread`)
because evidence uploads and PDF downloads over slow mobile links keep a request open for minutes;
with plain sync workers a handful of such clients would take every worker.
"""

from __future__ import annotations

import os
from pathlib import Path

from zhifa.config.env import env, envint
from zhifa.config.gunicorn_log import ACCESS_LOG_FORMAT


def _default_workers() -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(2 * cores + 1, 9)


bind = env("ZHIFA_BIND", "127.0.0.1:8000")
workers = envint("WEB_CONCURRENCY", _default_workers())
worker_class = "gthread"
threads = envint("WEB_THREADS", 4)
# For gthread workers this is the heartbeat of the worker process, not a limit on one request: a long
# upload keeps its thread busy but the worker still answers the arbiter.
timeout = envint("WEB_TIMEOUT", 120)
graceful_timeout = 30
keepalive = 5
# Recycle a worker now and then, so a slow leak (a C library, a cache that grows) never builds up.
max_requests = envint("WEB_MAX_REQUESTS", 5000)
max_requests_jitter = max_requests // 10
# Import Django once in the arbiter: workers share the loaded code and jieba's dictionary
# copy-on-write, and a broken configuration stops the start instead of crash-looping every worker.
preload_app = True
# Logs go to stderr/stdout; supervisord (make run) or the journal keeps and rotates them.
accesslog = "-"
errorlog = "-"
access_log_format = ACCESS_LOG_FORMAT
# the same line, written without the ~60 atoms gunicorn builds for any format (zhifa.config.gunicorn_log)
logger_class = "zhifa.config.gunicorn_log.AccessLogger"
# Only the front server may say which client a request came from or that it arrived over HTTPS.
forwarded_allow_ips = env("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "zhifa-web"
# gunicorn's control socket defaults to one path per user (~/.gunicorn/gunicorn.ctl): two instances on
# one host (make run beside a test, or several app servers) would take it from each other.
control_socket = str(
    Path(env("ZHIFA_VAR_DIR", str(Path(__file__).resolve().parents[3] / "var"))) / "gunicorn.ctl"
)


def when_ready(server: object) -> None:
    """In the arbiter, after the app is loaded and before the workers fork: load jieba's dictionary and
    its part-of-speech tagger (core.search, core.masking) once, so every worker — and every worker that
    replaces one after `max_requests` — inherits them instead of spending 2-4 s of CPU on its first
    search or masked text (measured: docs/benchmarks.md, branch reqcpu2)."""
    from django.urls import get_resolver

    from zhifa.core.search import jieba_posseg

    jieba_posseg()
    # The URLconf too: Django imports it on a process's first request, and with it every view module
    # and the JSON API, whose 180 django-ninja operations build their pydantic schemas on import (~0.9 s
    # of CPU in each worker, again after every `max_requests` recycle). Done here once, a fresh worker
    # answers its first request as fast as its 5,000th.
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 — the import is the point
    resolver.reverse_dict  # noqa: B018 — and the reverse lookup tables `{% url %}` needs
