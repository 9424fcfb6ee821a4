"""The pre-check runs after the draw commits, as a background task in chunks with its progress on the
campaign; scoring a file waits for its pre-check (409)."""

import json
from typing import Any

import pytest
from django.test import Client

from zhifa.core.errors import Conflict
from zhifa.enforcement.cases.factories import CaseKit
from zhifa.supervision.reviews import precheck, services, tasks
from zhifa.supervision.reviews.models import Campaign, SampledFile, ScoreSheet
from zhifa.supervision.reviews.services import campaign_draw, file_score
from zhifa.supervision.reviews.tests.builders import clean_case, decided_not_served, make_campaign

SEED = "3c" * 32


class Held:
    """Stands in for the task while a test holds it back: records what the draw enqueued."""

    def __init__(self) -> None:
        self.enqueued: list[int] = []

    def enqueue(self, campaign_id: int) -> None:
        self.enqueued.append(campaign_id)


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Held:
    h = Held()
    monkeypatch.setattr(tasks, "precheck_campaign_task", h)
    return h


def snapshot(campaign_id: int) -> tuple[Any, ...]:
    c = Campaign.objects.get(pk=campaign_id)
    files = list(
        SampledFile.objects.filter(campaign_id=campaign_id)
        .order_by("position")
        .values_list("pk", "precheck", "prechecked_at", "precheck_error")
    )
    return (
        c.precheck_total,
        c.precheck_done,
        c.precheck_failed,
        c.precheck_started_at,
        c.precheck_finished_at,
        files,
    )


def drawn(kit: CaseKit, n: int = 3) -> Campaign:
    for _ in range(n - 1):
        clean_case(kit)
    decided_not_served(kit)
    campaign = make_campaign(kit, sample_count=n)
    return campaign_draw(actor=kit.world.supervisor, campaign_id=campaign.pk, seed=SEED)


def test_the_draw_returns_before_the_precheck_which_the_task_completes_in_chunks(
    kit: CaseKit, held: Held, monkeypatch: pytest.MonkeyPatch
) -> None:
    campaign = drawn(kit)
    assert held.enqueued == [campaign.pk]  # queued after the draw committed, not run
    c = Campaign.objects.get(pk=campaign.pk)
    assert c.state == Campaign.State.DRAWN and c.precheck_state == "running"
    assert (c.precheck_total, c.precheck_done, c.precheck_failed, c.precheck_percent) == (3, 0, 0, 0)
    assert c.precheck_started_at is not None and c.precheck_finished_at is None
    assert not SampledFile.objects.filter(campaign=c, prechecked_at__isnull=False).exists()
    # A file without its pre-check cannot be scored yet: refused, nothing written.
    file = SampledFile.objects.filter(campaign=c).order_by("position").first()
    assert file is not None and file.reviewer is not None
    with pytest.raises(Conflict) as refused:
        file_score(actor=file.reviewer, file_id=file.pk, items=[], vetoes=[])
    assert refused.value.code == "precheck_pending" and "预检" in str(refused.value.message)
    assert not ScoreSheet.objects.exists()
    # One chunk of one file: the progress moves, the campaign is not finished.
    monkeypatch.setattr(services, "PRECHECK_CHUNK", 1)
    assert services.precheck_chunk(c.pk) is True
    c.refresh_from_db()
    assert (c.precheck_done, c.precheck_percent, c.precheck_state) == (1, 33, "running")
    # The real task runs the rest, one chunk per run, each enqueuing the next (immediate in tests).
    monkeypatch.undo()
    monkeypatch.setattr(services, "PRECHECK_CHUNK", 1)
    tasks.precheck_campaign_task.call(c.pk)
    c.refresh_from_db()
    assert (c.precheck_total, c.precheck_done, c.precheck_failed) == (3, 3, 0)
    assert c.precheck_state == "done" and c.precheck_percent == 100 and c.precheck_finished_at
    assert not SampledFile.objects.filter(campaign=c, prechecked_at__isnull=True).exists()
    # Running it again — a retried or duplicated chunk — changes nothing.
    before = snapshot(c.pk)
    tasks.precheck_campaign_task.call(c.pk)
    assert services.precheck_chunk(c.pk) is False
    assert snapshot(c.pk) == before
    # Now the file is scored as before.
    file.refresh_from_db()
    items = [
        {"code": p["code"], "deduction": p["deduction"], "note": ""}
        for p in file.precheck
        if p["outcome"] == "flag" and not p["veto"]
    ]
    vetoes = [p["code"] for p in file.precheck if p["outcome"] == "flag" and p["veto"]]
    sheet = file_score(actor=file.reviewer, file_id=file.pk, items=items, vetoes=vetoes)
    assert sheet.score is not None


def test_a_file_the_precheck_cannot_evaluate_is_counted_and_scored_by_hand(
    kit: CaseKit, held: Held, monkeypatch: pytest.MonkeyPatch
) -> None:
    campaign = drawn(kit)
    bad = SampledFile.objects.filter(campaign=campaign).order_by("position").first()
    assert bad is not None and bad.reviewer is not None
    real = precheck.file_facts

    def facts(case_id: int, **kw: Any) -> Any:
        if case_id == bad.case_id:
            raise ValueError("broken record")
        return real(case_id, **kw)

    monkeypatch.setattr(precheck, "file_facts", facts)
    services.precheck_run(campaign.pk)
    c = Campaign.objects.get(pk=campaign.pk)
    assert (c.precheck_done, c.precheck_failed, c.precheck_state) == (2, 1, "done_with_failures")
    bad.refresh_from_db()
    assert bad.prechecked_at is None and "broken record" in bad.precheck_error
    before = snapshot(c.pk)
    services.precheck_run(c.pk)  # the failed file is not retried in a loop
    assert snapshot(c.pk) == before
    sheet = file_score(actor=bad.reviewer, file_id=bad.pk, items=[], vetoes=[])
    assert sheet.score is not None
    # The on-demand door (the bureau) evaluates it again and clears the error.
    monkeypatch.undo()
    services.file_precheck(actor=kit.world.supervisor, file_id=bad.pk)
    c.refresh_from_db()
    bad.refresh_from_db()
    assert bad.prechecked_at is not None and bad.precheck_error == ""
    assert (c.precheck_done, c.precheck_failed, c.precheck_state) == (3, 0, "done")


def test_the_page_polls_a_progress_bar_then_shows_the_results(
    kit: CaseKit, held: Held, login_as: Any
) -> None:
    campaign = drawn(kit, n=2)
    boss = login_as(kit.world.supervisor)
    html = boss.get(f"/reviews/campaigns/{campaign.pk}/").content.decode()
    url = f"/reviews/campaigns/{campaign.pk}/precheck-progress/"
    assert '<progress class="meter" max="2" value="0"' in html
    assert f'hx-get="{url}"' in html and 'hx-trigger="every 2s"' in html and 'data-state="running"' in html
    assert (
        "自动预检" in html and "<script" not in html.split('id="precheck-progress"')[1].split("</section>")[0]
    )
    r = boss.get(url)
    assert r.status_code == 200 and 'data-state="running"' in r.content.decode()
    services.precheck_run(campaign.pk)
    r = boss.get(url)
    part = r.content.decode()
    assert 'data-state="done"' in part and "hx-get" not in part  # polling stops
    assert '<progress class="meter" max="2" value="2"' in part and 'data-testid="precheck-results"' in part
    assert "建议否决" in part and "建议扣分" in part and "未发现问题" in part
    summary = r.context["precheck_summary"]
    assert sum(summary.values()) == 2 and summary["failed"] == 0
    assert summary["veto"] + summary["deductions"] >= 1  # the decision never served is flagged
    page = boss.get(f"/reviews/campaigns/{campaign.pk}/").content.decode()
    assert 'data-testid="precheck-results"' in page and "已预检 2 / 2 份案卷" in page
    # Somebody outside the campaign gets nothing.
    assert login_as(kit.world.officer_a2).get(url).status_code == 404


def test_the_api_exposes_the_progress(kit: CaseKit, held: Held, api_token: Any) -> None:
    campaign = drawn(kit, n=2)
    boss = api_token(kit.world.supervisor)
    body = Client().get(f"/api/v1/reviews/campaigns/{campaign.pk}", **boss).json()
    assert body["precheck"]["state"] == "running"
    assert (body["precheck"]["total"], body["precheck"]["done"], body["precheck"]["left"]) == (2, 0, 2)
    services.precheck_run(campaign.pk)
    body = json.loads(Client().get(f"/api/v1/reviews/campaigns/{campaign.pk}", **boss).content)
    p = body["precheck"]
    assert (p["state"], p["done"], p["failed"], p["left"], p["percent"]) == ("done", 2, 0, 0, 100)
    assert p["started_at"] and p["finished_at"]
