"""Two app servers and two task workers on one PostgreSQL, Redis and S3 (moto) — docs/deployment.md.

Mixed traffic goes through both servers at once; afterwards the case numbers have no gap and no
repeat, the audit chain is one unbroken chain, a resumable upload whose chunks went to different
servers is one piece of evidence in S3, and every task had its effect exactly once.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.hashers import make_password
from tests.cluster import FAKE_NOW, REDIS_URL, Cluster, http, post_json

from zhifa.audit.models import AuditEntry
from zhifa.audit.services import audit_verify
from zhifa.enforcement.cases.factories import build_case_kit
from zhifa.enforcement.cases.models import Case
from zhifa.enforcement.evidence.factories import digests, mp4_bytes
from zhifa.enforcement.evidence.models import Evidence, UploadPart
from zhifa.org.factories import PASSWORD
from zhifa.powers.models import ImportJob

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

PERSON = {"kind": "person", "name": "张某某", "id_number": "11010519491231002X", "phone": "13900001111"}
BAD_ITEMS = (
    "code,name,category,violated_provision,penalty_provision,penalty_text,party_type,"
    "fine_min_yuan,fine_max_yuan,fine_basis,other_measures,source\n"
    "X-1,测试事项,行政处罚,不存在的条款,不存在的条款,,公民,0,100,,,测试\n"
).encode()


@pytest.fixture
def s3(moto_server: str):
    import boto3

    bucket = f"evidence-{uuid.uuid4().hex[:10]}"
    client = boto3.client(
        "s3",
        endpoint_url=moto_server,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=bucket)
    return {"bucket": bucket, "endpoint": moto_server, "client": client}


@pytest.fixture
def moto_server():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def cluster(tmp_path: Path, s3, world):
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    cluster = Cluster(tmp_path=tmp_path, database_url=url, s3={k: v for k, v in s3.items() if k != "client"})
    try:
        yield cluster
    finally:
        cluster.stop()


def _token(base: str, username: str) -> str:
    status, body = post_json(f"{base}/api/v1/auth/token", {"username": username, "password": PASSWORD})
    assert status == 200, body
    return str(body["token"])


def test_two_servers_and_two_workers_share_one_state(cluster: Cluster, world, s3) -> None:
    with time_machine.travel(FAKE_NOW, tick=True):
        kit = build_case_kit(world)
    for user in (world.officer_a, world.approver_a):
        user.password = make_password(PASSWORD, hasher="argon2")  # tests hash with MD5; servers do not
        user.save(update_fields=["password"])
    servers = [cluster.app("app1"), cluster.app("app2")]
    cluster.worker("worker1", periodic=True)
    cluster.worker("worker2", periodic=False)  # one scheduler only: periodic tasks are enqueued once
    cluster.wait_ready()
    officer = [_token(base, "officer_a") for base in servers]  # a token issued by one works on both
    approver = _token(servers[0], "approver_a")

    # --- tasks: import jobs enqueued through the production task backend, each twice --------------
    jobs = [
        ImportJob.objects.create(
            created_by=world.admin,
            created_at=FAKE_NOW,
            agency=world.agency_a,
            items_name="x.csv",
            items_data=BAD_ITEMS,
        )
        for _ in range(6)
    ]
    ids = [job.pk for job in jobs]
    enqueue = (
        "from zhifa.powers.tasks import import_job_task\n"
        f"for job_id in {ids + ids}: import_job_task.enqueue(job_id)\n"
    )
    import subprocess
    import sys

    from tests.cluster import cluster_env

    enqueued = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", enqueue],
        env=cluster_env(cluster.tmp_path, "enqueuer", cluster.database_url, cluster.s3),
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert enqueued.returncode == 0, enqueued.stderr

    # --- mixed traffic through both servers at once -----------------------------------------------
    errors: list[str] = []

    def register_and_file(i: int) -> str:
        base = servers[i % 2]
        status, case = post_json(
            f"{base}/api/v1/cases",
            {
                "procedure": "ordinary",
                "agency_id": kit.agency.pk,
                "source": "complaint",
                "party": PERSON,
                "facts": f"两台服务器并发立案测试{i}，在人行道上违法挖掘。",
                "occurred_on": "2025-05-01",
                "discovered_on": "2025-05-05",
                "discovery_record": "投诉登记（2025-05-05）",  # entered after the 补录 window (第三十六条)
                "location": "人民路88号",
                "power_item_id": kit.item.pk,
            },
            officer[i % 2],
        )
        if status != 201:
            errors.append(f"register {status} {case}")
            return ""
        status, filed = post_json(
            f"{servers[(i + 1) % 2]}/api/v1/cases/{case['id']}/events",
            {
                "event": "file",
                "officer_ids": [kit.officer_a.pk, kit.officer_a2.pk],
                "power_item_id": kit.item.pk,
                "filed_on": "2025-06-30",
            },
            approver,
        )
        if status != 200:
            errors.append(f"file {status} {filed}")
            return ""
        return str(filed["number"])

    def reader(stop: threading.Event) -> None:
        n = 0
        while not stop.is_set():
            status, body, _ = http(
                "GET",
                f"{servers[n % 2]}/api/v1/cases?page_size=5",
                headers={"Authorization": f"Bearer {officer[0]}"},
            )
            if status != 200:
                errors.append(f"list {status} {str(body)[:200]}")
            n += 1

    stop = threading.Event()
    readers = [threading.Thread(target=reader, args=(stop,)) for _ in range(2)]
    for thread in readers:
        thread.start()
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            numbers = list(pool.map(register_and_file, range(6)))
        evidence = _resumable_upload_across_servers(servers, officer, world)
    finally:
        stop.set()
        for thread in readers:
            thread.join()
    assert errors == []

    # gap-free, unique case numbers
    seqs = sorted(int(re.search(r"〕(\d+)号", n).group(1)) for n in numbers)  # type: ignore[union-attr]
    assert seqs == list(range(1, 7))
    assert Case.objects.filter(number__in=numbers).count() == 6

    # the upload: one evidence row, its content in S3, no part left in the database
    stored = s3["client"].get_object(
        Bucket=s3["bucket"],
        Key=f"sha256/{evidence['sha256'][:2]}/{evidence['sha256'][2:4]}/{evidence['sha256']}",
    )
    assert digests(stored["Body"].read())[0] == evidence["sha256"]
    assert Evidence.objects.filter(pk=evidence["id"]).exists() and UploadPart.objects.count() == 0

    # every task in effect once, though each was enqueued twice and two workers took them
    deadline = time.monotonic() + 30
    while (
        ImportJob.objects.filter(pk__in=ids, finished_at__isnull=True).exists()
        and time.monotonic() < deadline
    ):
        time.sleep(0.5)
    assert not ImportJob.objects.filter(pk__in=ids, finished_at__isnull=True).exists()
    finishes = AuditEntry.objects.filter(action="powers.import_finish", object_id__in=[str(i) for i in ids])
    assert sorted(finishes.values_list("object_id", flat=True)) == sorted(str(i) for i in ids)

    # one unbroken audit chain across everything both servers and both workers wrote
    result = audit_verify()
    assert result.ok, result


def _resumable_upload_across_servers(servers: list[str], officer: list[str], world) -> dict:
    data = mp4_bytes(700_000, seed=77)
    sha256, _sm3 = digests(data)
    status, opened = post_json(
        f"{servers[0]}/api/v1/evidence/uploads",
        {
            "agency_id": world.agency_a.pk,
            "size": len(data),
            "filename": "DSJ.MP4",
            "kind": "video",
            "sha256": sha256,
        },
        officer[0],
    )
    assert status == 201, opened
    path = opened["upload_url"]
    offset, body = 0, None
    for i, size in enumerate(
        (250_000, 250_000, len(data) - 500_000)
    ):  # chunk 1 and 3 on app1, chunk 2 on app2
        status, body, head = http(
            "PATCH",
            f"{servers[i % 2]}{path}",
            data[offset : offset + size],
            {
                "Content-Type": "application/offset+octet-stream",
                "Upload-Offset": str(offset),
                "Authorization": f"Bearer {officer[i % 2]}",
            },
        )
        assert status == 200, body
        offset += size
        assert int(head["Upload-Offset"]) == offset
    assert body["state"] == "complete", body
    return dict(body["evidence"])
