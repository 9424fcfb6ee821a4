"""The browser against what `make run` serves: supervisord running gunicorn (DEBUG off, whitenoise
serving collected, hashed, compressed static files) and the task worker, exactly as the Makefile
starts them, on a copy of the test database."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password

from zhifa.core.backup import database
from zhifa.core.tests.backup_helpers import ROOT, instance_env, manage
from zhifa.org.factories import PASSWORD

PORT = int(os.environ.get("ZHIFA_TEST_SERVED_PORT", "8291"))


def _wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 — loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {seconds} s")


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_officer_signs_in_on_the_production_server(browser, world, tmp_path: Path) -> None:
    # Tests hash with MD5 for speed; the served instance knows only the production hashers.
    world.officer_a.password = make_password(PASSWORD, hasher="argon2")
    world.officer_a.save(update_fields=["password"])
    if settings.IS_POSTGRES:
        url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + settings.DATABASES["default"]["NAME"]
    else:
        database.dump(tmp_path / "served.sqlite3")  # the test database, committed, as a file
        url = f"sqlite:///{tmp_path / 'served.sqlite3'}"
    env = instance_env(tmp_path, url, "served")
    env.update({"ZHIFA_ROOT": str(ROOT), "ZHIFA_BIND": f"127.0.0.1:{PORT}", "WEB_CONCURRENCY": "2"})
    env.pop("DEBUG", None)
    # The API docs' bundles are left out only to keep this test short; make run collects everything.
    manage({**env, "ZHIFA_STATIC_MANIFEST": "1"}, "collectstatic", "--noinput", "-v0", "--ignore", "ninja")
    Path(env["ZHIFA_VAR_DIR"], "log").mkdir(parents=True, exist_ok=True)
    supervisor = subprocess.Popen(
        [str(ROOT / ".venv/bin/supervisord"), "-n", "-c", str(ROOT / "deploy/embedded/supervisord.conf")],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{PORT}"
    try:
        _wait_for(f"{base}/login/", 60)
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(f"{base}/")
        assert "/login/" in page.url
        page.fill("input[name=username]", "officer_a")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        assert "欢迎" in page.inner_text("h1")
        assert page.evaluate("typeof htmx") == "object"
        bar = page.evaluate("getComputedStyle(document.querySelector('.topbar')).backgroundColor")
        assert bar == "rgb(15, 42, 95)"  # the collected, hashed stylesheet was served and applied
        stylesheet = page.evaluate("document.querySelector('link[rel=stylesheet]').href")
        assert "/static/zhifa/app." in stylesheet and not stylesheet.endswith("/app.css")
        missing = page.goto(f"{base}/no-such-page/")
        assert missing is not None and missing.status == 404
        assert "Traceback" not in page.content()  # DEBUG is off
        page.close()
    finally:
        supervisor.send_signal(signal.SIGTERM)
        supervisor.wait(timeout=60)
    logs = Path(env["ZHIFA_VAR_DIR"], "log")
    assert '"POST /login/' in (logs / "web.log").read_text()
    assert (logs / "worker.log").exists()
