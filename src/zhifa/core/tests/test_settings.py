"""Production settings refuse the demo secret and pass `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # a fresh production-like process: nothing of the test run (Playwright sets DJANGO_ALLOW_ASYNC_UNSAFE)
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    full_env.update(env)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )


PROD = {
    "ZHIFA_ENV": "production",
    "ZHIFA_TESTING": "0",
    "SECRET_KEY": "x" * 30 + "-a-long-random-production-secret-7Gq!",
    "ALLOWED_HOSTS": "zhifa.example.gov.cn",
    "DATABASE_URL": "sqlite:////tmp/zhifa-deploy-check.sqlite3",
}


@pytest.mark.slow
def test_production_refuses_the_demo_secret() -> None:
    env = {**PROD}
    env.pop("SECRET_KEY")
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.slow
def test_check_deploy_is_clean_with_production_variables() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PROD)
    assert result.returncode == 0, result.stdout + result.stderr


def test_embedded_defaults_are_chinese_and_timezone_aware() -> None:
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
