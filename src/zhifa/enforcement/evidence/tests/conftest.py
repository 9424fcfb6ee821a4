from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from zhifa.core import testdata


@pytest.fixture(autouse=True)
@testdata.neutral  # the shared test data's builds store no file
def evidence_root(tmp_path: Path, settings: Any) -> Path:
    """Each test gets its own local evidence store (settings change clears the cached store)."""
    root = tmp_path / "evidence"
    settings.ZHIFA_EVIDENCE_STORAGE = {"storage": "local", "root": str(root)}
    return root


def stored_files(root: Path) -> list[Path]:
    return (
        sorted(p for p in (root / "sha256").rglob("*") if p.is_file()) if (root / "sha256").exists() else []
    )


def staging_files(root: Path) -> list[Path]:
    staging = root / ".staging"
    return sorted(p for p in staging.iterdir()) if staging.exists() else []


@pytest.fixture(scope="session")
def moto_endpoint() -> Any:
    """An S3-compatible server (moto) on a free local port, for the whole test session."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_store(moto_endpoint: str, settings: Any, monkeypatch: Any, tmp_path: Path) -> Any:
    """Evidence stored in a fresh bucket on the moto server. Yields a boto3 client for inspection."""
    import uuid

    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    bucket = f"evidence-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=bucket)
    settings.ZHIFA_EVIDENCE_STORAGE = {
        "storage": "s3",
        "s3_bucket": bucket,
        "s3_endpoint_url": moto_endpoint,
        "s3_region": "us-east-1",
        "staging_dir": str(tmp_path / "s3-staging"),
    }
    client.bucket = bucket  # type: ignore[attr-defined]
    return client


def bucket_keys(client: Any) -> list[str]:
    listing = client.list_objects_v2(Bucket=client.bucket)
    return sorted(o["Key"] for o in listing.get("Contents", []))
