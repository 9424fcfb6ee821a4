import datetime as dt
from decimal import Decimal

import pytest

from zhifa.core import draw
from zhifa.core.errors import Conflict, Forbidden, InvalidInput
from zhifa.enforcement.cases.factories import CaseKit
from zhifa.supervision.reviews import sampling
from zhifa.supervision.reviews.models import Campaign, SampledFile
from zhifa.supervision.reviews.services import (
    campaign_create,
    campaign_draw,
    campaign_finish,
    campaign_verify,
    file_reassign,
    file_score,
    notice_respond,
)
from zhifa.supervision.reviews.tests.builders import (
    campaign_data,
    clean_case,
    decided_not_served,
    make_campaign,
)

SEED = "ab" * 32


def test_same_seed_and_pool_give_the_same_sample() -> None:
    ids = list(range(1, 300))
    a = sampling.draw_group(
        seed=SEED, agency_id=1, stratum="", case_ids=ids, mode="share", count=None, share=Decimal(5)
    )
    b = sampling.draw_group(
        seed=SEED, agency_id=1, stratum="", case_ids=reversed(ids), mode="share", count=None, share=Decimal(5)
    )
    assert a == b and a.n == 15  # 5 % of 299, rounded up
    c = sampling.draw_group(
        seed="cd" * 32, agency_id=1, stratum="", case_ids=ids, mode="share", count=None, share=Decimal(5)
    )
    assert c.pool_digest == a.pool_digest and c.chosen != a.chosen
    v = sampling.verify_group(seed=SEED, group=a, case_ids=ids)
    assert v is not None and v.ok
    assert not sampling.verify_group(seed=SEED, group=a, case_ids=ids[:-1]).ok  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("size", "mode", "count", "share", "n"),
    [
        (0, "count", 3, None, 0),
        (2, "count", 3, None, 2),
        (10, "count", 3, None, 3),
        (10, "share", None, Decimal("1"), 1),
        (250, "share", None, Decimal("10"), 25),
        (251, "share", None, Decimal("10"), 26),
    ],
)
def test_sample_size(size: int, mode: str, count: int | None, share: Decimal | None, n: int) -> None:
    assert sampling.sample_size(pool_size=size, mode=mode, count=count, share=share) == n


def test_the_draw_freezes_the_pool_stores_the_seed_and_replays(kit: CaseKit) -> None:
    cases = [clean_case(kit) for _ in range(3)]
    campaign = make_campaign(kit)
    campaign = campaign_draw(actor=kit.world.supervisor, campaign_id=campaign.pk, seed=SEED)
    assert campaign.seed == SEED and campaign.state == Campaign.State.DRAWN
    assert campaign.pool_size == 3 and campaign.pool.count() == 3
    files = list(SampledFile.objects.filter(campaign=campaign).order_by("position"))
    assert len(files) == 2 and {f.case_id for f in files} <= {c.pk for c in cases}
    assert all(f.reviewer_id == kit.world.officer_b.pk for f in files)
    expected = draw.draw(seed=SEED, pool=draw.canonical_pool(f"case-{c.pk}" for c in cases), n=2)
    assert [f"case-{f.case_id}" for f in files] == list(expected.chosen)
    assert campaign_verify(campaign)["ok"]
    with pytest.raises(Conflict):
        campaign_draw(actor=kit.world.supervisor, campaign_id=campaign.pk)


def test_a_reviewer_from_the_same_agency_is_refused(kit: CaseKit) -> None:
    clean_case(kit)
    w = kit.world
    campaign = make_campaign(kit, sample_count=1)
    campaign = campaign_draw(actor=w.supervisor, campaign_id=campaign.pk, seed=SEED)
    file = campaign.files.get()
    with pytest.raises(Forbidden) as exc:
        file_reassign(actor=w.supervisor, file_id=file.pk, reviewer_id=w.officer_a2.pk)
    assert exc.value.code == "own_agency"
    # Nor can an own-agency user score it, even if assigned by hand around the service.
    SampledFile.objects.filter(pk=file.pk).update(reviewer=w.officer_a2)
    with pytest.raises(Forbidden) as exc:
        file_score(actor=w.officer_a2, file_id=file.pk, items=[], vetoes=[])
    assert exc.value.code == "own_agency"
    # A campaign whose only reviewer belongs to the covered agency cannot be set up.
    with pytest.raises(Forbidden):
        make_campaign(kit, reviewer_ids=[w.approver_a.pk])


def test_draw_refused_when_no_cross_agency_reviewer(kit: CaseKit) -> None:
    clean_case(kit)
    w = kit.world
    campaign = make_campaign(kit, agency_ids=[w.agency_a.pk, w.agency_b.pk], reviewer_ids=[w.officer_a2.pk])
    with pytest.raises(Conflict) as exc:
        campaign_draw(actor=w.supervisor, campaign_id=campaign.pk, seed=SEED)
    assert exc.value.code == "no_cross_reviewer"
    assert campaign.pool.count() == 0  # nothing kept


def test_only_the_bureau_sets_up_and_draws(kit: CaseKit) -> None:
    w = kit.world
    with pytest.raises(Forbidden):
        campaign_create(actor=w.approver_a, data=campaign_data(kit))
    campaign = make_campaign(kit)
    with pytest.raises(Forbidden):
        campaign_draw(actor=w.officer_b, campaign_id=campaign.pk)
    with pytest.raises(InvalidInput):
        make_campaign(kit, closed_from="2025-07-01")


def precheck_of(file: SampledFile) -> dict[str, dict[str, object]]:
    return {p["check"]: p for p in file.precheck}


def test_precheck_flags_a_decision_never_served_and_passes_a_clean_file(kit: CaseKit) -> None:
    clean = clean_case(kit)
    bad = decided_not_served(kit)
    campaign = make_campaign(kit, sample_count=5)
    campaign = campaign_draw(actor=kit.world.supervisor, campaign_id=campaign.pk, seed=SEED)
    good_file = campaign.files.get(case_id=clean.pk)
    bad_file = campaign.files.get(case_id=bad.pk)
    good = precheck_of(good_file)
    assert [(k, p["evidence"]) for k, p in good.items() if p["outcome"] == "flag"] == []
    assert (
        good["officers"]["outcome"] == good["prior_notice"]["outcome"] == good["service"]["outcome"] == "pass"
    )
    flagged = precheck_of(bad_file)
    assert flagged["service"]["outcome"] == "flag" and Decimal(str(flagged["service"]["deduction"])) == 4
    assert "送达" in str(flagged["service"]["evidence"])
    assert flagged["archived"]["outcome"] == "flag"


def test_scoring_follows_the_precheck_or_says_why(kit: CaseKit) -> None:
    bad = decided_not_served(kit)
    w = kit.world
    campaign = campaign_draw(actor=w.supervisor, campaign_id=make_campaign(kit).pk, seed=SEED)
    file = campaign.files.get(case_id=bad.pk)
    with pytest.raises(InvalidInput) as exc:
        file_score(actor=w.officer_b, file_id=file.pk, items=[], vetoes=[])
    assert exc.value.code == "override_needs_note"
    proposals = [
        {"code": p["code"], "deduction": p["deduction"], "note": ""}
        for p in file.precheck
        if p["outcome"] == "flag"
    ]
    sheet = file_score(actor=w.officer_b, file_id=file.pk, items=proposals, vetoes=[])
    assert sheet.score == Decimal(100) - sum(Decimal(p["deduction"]) for p in proposals)
    sheet = file_score(
        actor=w.officer_b,
        file_id=file.pk,
        items=[*proposals, {"code": "S06", "deduction": "10", "note": "未说理"}],
        vetoes=["V08"],
    )
    file.refresh_from_db()
    assert (file.score, file.grade, file.sheets.count()) == (Decimal(0), "fail", 2)
    # Finishing issues a rectification notice with a deadline; the agency responds in time.
    with pytest.raises(InvalidInput):  # a finish is never dated before the draw (30 June)
        campaign_finish(actor=w.supervisor, campaign_id=campaign.pk, on=dt.date(2025, 6, 1))
    campaign_finish(actor=w.supervisor, campaign_id=campaign.pk, on=dt.date(2025, 6, 30))
    notice = campaign.notices.get()
    assert notice.agency_id == w.agency_a.pk and notice.due_on == dt.date(2025, 7, 30)
    notice = notice_respond(
        actor=w.approver_a,
        notice_id=notice.pk,
        response="已整改并补正送达。",
        responded_on=dt.date(2025, 6, 30),
    )
    assert notice.on_time
