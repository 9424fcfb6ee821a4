"""A round from set-up to the published ranking: figures from the indicator registry (and frozen at
the cut-off), self-checks (a late one loses exactly the set's points), cross assessment, review,
ranking with the stated tie-break, the change from last year, the report PDF."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from pypdf import PdfReader

from zhifa.core.errors import Conflict, DomainError, Forbidden, InvalidInput, RuleViolation
from zhifa.core.indicators import DateSpan, indicator_value
from zhifa.foundation.deadlines.models import Deadline
from zhifa.officers.factories import make_credentialed_officer, make_officer
from zhifa.supervision.assessment import ranking, report, services
from zhifa.supervision.assessment.models import Figure, LeafScore, Participant, Round, ScoreEntry
from zhifa.supervision.assessment.tests.builders import make_round, score_all, self_check, small_set
from zhifa.supervision.assessment.tests.conftest import SH

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def _leaf(rnd: Round, agency, code: str) -> LeafScore:
    return LeafScore.objects.select_related("node").get(
        participant__round=rnd, participant__agency=agency, node__code=code
    )


def _plant(world) -> None:
    for _ in range(3):
        make_credentialed_officer(agency=world.agency_a)
    make_officer(agency=world.agency_a)  # no credential: A holds 3 of 4
    for _ in range(2):
        make_credentialed_officer(agency=world.agency_b)  # B: 2 of 2


@pytest.fixture
def opened(world, people, frozen):
    _plant(world)
    rnd = make_round(world, people, ind_set=small_set())
    services.round_apply_event(
        round_id=rnd.pk, actor=world.users["supervisor"], event="open", data={"on": "2026-02-20"}
    )
    return Round.objects.get(pk=rnd.pk)


def test_computed_leaves_equal_the_registered_indicator_on_planted_data(world, opened) -> None:
    span = DateSpan(dt.date(2026, 1, 1), dt.date(2026, 3, 1))
    for agency, hand in ((world.agency_a, (3, 4)), (world.agency_b, (2, 2))):
        leaf = _leaf(opened, agency, "2.1")
        v = indicator_value("officers.credential_rate", [agency.pk], span)
        assert (leaf.value, leaf.numerator, leaf.denominator) == (v.value, v.numerator, v.denominator)
        assert (leaf.numerator, leaf.denominator) == (Decimal(hand[0]), Decimal(hand[1]))
    # 75 % against a target of 85 % over 3 points, linear from zero: 3 × 75 / 85 = 2.6; 100 % → full.
    assert _leaf(opened, world.agency_a, "2.1").computed_score == Decimal("2.6")
    assert _leaf(opened, world.agency_b, "2.1").computed_score == Decimal(3)
    assert not _leaf(opened, world.agency_a, "2.1").frozen


def test_an_indicator_nobody_registered_shows_as_unregistered(world, opened) -> None:
    leaf = _leaf(opened, world.agency_a, "2.2")
    assert leaf.figure == Figure.UNREGISTERED and leaf.computed_score is None and leaf.final_score is None


def test_figures_freeze_at_the_cut_off_and_no_earlier(world, people, opened) -> None:
    boss = world.users["supervisor"]
    with pytest.raises(RuleViolation) as info:
        services.round_apply_event(
            round_id=opened.pk, actor=boss, event="start_assessment", data={"on": "2026-02-28"}
        )
    assert info.value.code == "before_cutoff"
    make_officer(agency=world.agency_b)  # B now 2 of 3
    services.round_apply_event(round_id=opened.pk, actor=boss, event="refresh", data={})
    assert _leaf(opened, world.agency_b, "2.1").denominator == 3
    services.round_apply_event(
        round_id=opened.pk, actor=boss, event="start_assessment", data={"on": "2026-03-02"}
    )
    make_officer(agency=world.agency_b)  # after the freeze: the figure stays
    leaf = _leaf(opened, world.agency_b, "2.1")
    assert leaf.frozen and leaf.denominator == 3
    assert ScoreEntry.objects.filter(leaf=leaf, role="figure").count() == 1


def test_a_late_self_check_loses_exactly_the_sets_points(world, people, opened) -> None:
    self_check(opened, world.agency_a, world.users["approver_a"], on=dt.date(2026, 3, 5))
    with time_machine.travel(dt.datetime(2026, 3, 23, 10, 0, tzinfo=SH), tick=False):
        self_check(opened, world.agency_b, people.approver_b)  # due 03-20 (a Friday): three days late
        a, b = opened.participants.get(agency=world.agency_a), opened.participants.get(agency=world.agency_b)
        assert (a.late, a.late_deduction) == (False, Decimal(0))
        assert (b.late, b.late_deduction) == (True, Decimal("1.5"))
        assert Deadline.objects.get(object_type="assessment.participant", object_id=b.pk).resolution == "late"
        services.round_apply_event(
            round_id=opened.pk, actor=world.users["supervisor"], event="start_assessment", data={}
        )
        for agency in (world.agency_a, world.agency_b):
            score_all(opened, agency, people.assessor, judged=("4", "2"))
        rows = {r.agency_id: r for r in ranking.results(opened)}
    a_total, b_total = rows[world.agency_a.pk].total, rows[world.agency_b.pk].total
    # Same judged and unregistered scores; A's credential leaf 2.6, B's 3: B is 0.4 ahead before lateness.
    assert b_total == a_total + Decimal("0.4") - Decimal("1.5")


def test_submitting_on_the_due_date_is_in_time(world, people, opened) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 20, 18, 0, tzinfo=SH), tick=False):
        self_check(opened, world.agency_b, people.approver_b)
    assert not opened.participants.get(agency=world.agency_b).late


def test_a_self_check_never_submitted_is_late_at_review(world, people, opened) -> None:
    self_check(opened, world.agency_a, world.users["approver_a"])
    boss = world.users["supervisor"]
    services.round_apply_event(round_id=opened.pk, actor=boss, event="start_assessment", data={})
    for agency in (world.agency_a, world.agency_b):
        score_all(opened, agency, people.assessor)
    with pytest.raises(Conflict) as info:  # B's self-check is open until 03-20
        services.round_apply_event(round_id=opened.pk, actor=boss, event="submit_review", data={})
    assert info.value.code == "self_check_open"
    with time_machine.travel(dt.datetime(2026, 3, 23, 10, 0, tzinfo=SH), tick=False):
        services.round_apply_event(round_id=opened.pk, actor=boss, event="submit_review", data={})
    b = opened.participants.get(agency=world.agency_b)
    assert (b.late, b.late_deduction, b.state) == (True, Decimal("1.5"), "open")


def test_the_self_check_needs_a_score_and_an_explanation_for_every_judged_leaf(world, opened) -> None:
    approver = world.users["approver_a"]
    with pytest.raises(InvalidInput) as info:
        services.self_check_save(
            actor=approver,
            round_id=opened.pk,
            agency_id=world.agency_a.pk,
            items=[{"code": "1.1", "score": "4"}],
        )
    assert info.value.code == "explanation_required"
    with pytest.raises(InvalidInput):
        services.self_check_save(
            actor=approver,
            round_id=opened.pk,
            agency_id=world.agency_a.pk,
            items=[{"code": "2.1", "score": "1", "explanation": "x"}],
        )
    services.self_check_save(
        actor=approver,
        round_id=opened.pk,
        agency_id=world.agency_a.pk,
        items=[{"code": "1.1", "score": "4", "explanation": "好"}],
    )
    p = opened.participants.get(agency=world.agency_a)
    with pytest.raises(InvalidInput) as info:
        services.self_check_apply_event(participant_id=p.pk, actor=approver, event="submit", data={})
    assert info.value.code == "self_scores_missing" and info.value.detail["codes"] == ["1.2"]
    with pytest.raises(Forbidden):  # another agency's staff
        services.self_check_save(
            actor=world.users["officer_b"], round_id=opened.pk, agency_id=world.agency_a.pk, items=[]
        )


def test_an_assessor_cannot_score_their_own_agency(world, people, opened) -> None:
    services.round_apply_event(
        round_id=opened.pk, actor=world.users["supervisor"], event="start_assessment", data={}
    )
    with pytest.raises(Forbidden) as info:
        score_all(opened, world.agency_a, people.assessor_a)
    assert info.value.code == "own_agency"
    assert not ScoreEntry.objects.filter(role="assessor").exists()
    score_all(opened, world.agency_b, people.assessor_a)  # the other agency is fine
    assert _leaf(opened, world.agency_b, "1.1").assessor == people.assessor_a


def test_an_assessor_cannot_score_their_own_agency_through_the_api(
    world, people, opened, client, api_token
) -> None:
    services.round_apply_event(
        round_id=opened.pk, actor=world.users["supervisor"], event="start_assessment", data={}
    )
    response = client.post(
        f"/api/v1/assessments/{opened.pk}/scores",
        {"agency_id": world.agency_a.pk, "items": [{"code": "1.1", "score": "3"}]},
        content_type="application/json",
        **api_token(people.assessor_a),
    )
    assert response.status_code in (403, 404)  # not even shown: the selector hides one's own agency
    response = client.post(
        f"/api/v1/assessments/{opened.pk}/scores",
        {"agency_id": world.agency_b.pk, "items": [{"code": "1.1", "score": "3", "note": "缺评估"}]},
        content_type="application/json",
        **api_token(people.assessor_a),
    )
    assert response.status_code == 200, response.content
    leaf = next(x for x in response.json()["leaves"] if x["code"] == "1.1")
    assert leaf["assessor_score"] == "3.0" and leaf["final_score"] == "3.0"


def test_a_computed_leaf_is_adjusted_only_with_a_reason(world, people, opened) -> None:
    services.round_apply_event(
        round_id=opened.pk, actor=world.users["supervisor"], event="start_assessment", data={}
    )
    kw = {"actor": people.assessor, "round_id": opened.pk, "agency_id": world.agency_a.pk}
    with pytest.raises(InvalidInput) as info:
        services.scores_record(**kw, items=[{"code": "2.1", "score": "1"}])
    assert info.value.code == "reason_required"
    services.scores_record(**kw, items=[{"code": "2.1", "score": "2.6"}])  # confirming the figure
    assert _leaf(opened, world.agency_a, "2.1").assessor_score is None
    services.scores_record(**kw, items=[{"code": "2.1", "score": "2", "reason": "两人证件过期未注销"}])
    leaf = _leaf(opened, world.agency_a, "2.1")
    assert (leaf.final_score, leaf.adjust_reason) == (Decimal(2), "两人证件过期未注销")


def test_disagreements_between_self_and_assessor_are_visible(world, people, opened) -> None:
    self_check(opened, world.agency_a, world.users["approver_a"], scores=("4", "2"))
    services.round_apply_event(
        round_id=opened.pk, actor=world.users["supervisor"], event="start_assessment", data={}
    )
    score_all(opened, world.agency_a, people.assessor, judged=("2.5", "2"))
    assert _leaf(opened, world.agency_a, "1.1").disagreement == Decimal("-1.5")
    assert _leaf(opened, world.agency_a, "1.2").disagreement is None


def test_scores_outside_the_leaf_points_are_refused(world, people, opened) -> None:
    services.round_apply_event(
        round_id=opened.pk, actor=world.users["supervisor"], event="start_assessment", data={}
    )
    for bad in ("4.5", "-1", "1.25", "abc"):
        with pytest.raises(InvalidInput):
            services.scores_record(
                actor=people.assessor,
                round_id=opened.pk,
                agency_id=world.agency_a.pk,
                items=[{"code": "1.1", "score": bad}],
            )


def _finish(
    world, people, rnd: Round, *, a: tuple[str, str], b: tuple[str, str], on: str | None = None
) -> None:
    boss = world.users["supervisor"]
    self_check(rnd, world.agency_a, world.users["approver_a"])
    self_check(rnd, world.agency_b, people.approver_b)
    services.round_apply_event(round_id=rnd.pk, actor=boss, event="start_assessment", data={})
    score_all(rnd, world.agency_a, people.assessor, judged=a)
    score_all(rnd, world.agency_b, people.assessor, judged=b)
    services.round_apply_event(round_id=rnd.pk, actor=boss, event="submit_review", data={})
    services.round_apply_event(round_id=rnd.pk, actor=boss, event="finish", data={})


def test_equal_totals_rank_by_the_computed_points_then_share_the_rank() -> None:
    def row(name: str, total: str, computed: str, late: bool = False) -> ranking.AgencyResult:
        r = ranking.AgencyResult(0, 0, name, late, Decimal(0), "submitted")
        r.total, r.computed_points = Decimal(total), Decimal(computed)
        return r

    rows = ranking.rank(
        [
            row("丙", "80", "30"),
            row("甲", "90", "40"),
            row("乙", "90", "45"),
            row("丁", "80", "30"),
            row("戊", "80", "30", late=True),
        ]
    )
    assert [(r.name, r.rank) for r in rows] == [("乙", 1), ("甲", 2), ("丁", 3), ("丙", 3), ("戊", 5)]


def test_a_round_ends_with_frozen_totals_ranks_grades_and_the_tie_rule(world, people, opened) -> None:
    # Judged points: A 4 + 2, B 4.4 + 2 → totals A 6 + 2.6 + 1 = 9.6, B 6.4 − 0.4 … make them equal:
    _finish(world, people, opened, a=("4", "2"), b=("3.6", "2"))  # A 9.6 (data 3.6), B 9.6 (data 4.0)
    a, b = (opened.participants.get(agency=x) for x in (world.agency_a, world.agency_b))
    assert a.total == b.total == Decimal("9.6")
    assert (b.rank, a.rank) == (1, 2)  # equal totals: B has more points from data
    assert a.grade == b.grade == "excellent"
    opened.refresh_from_db()
    assert opened.state == "finished" and opened.finished_on == dt.date(2026, 3, 10)
    with pytest.raises(Conflict):
        score_all(opened, world.agency_a, people.assessor)


def test_the_report_pdf_reads_back_with_each_agencys_total_and_rank(world, people, opened) -> None:
    _finish(world, people, opened, a=("4", "2"), b=("2", "1"))
    opened.refresh_from_db()
    pdf = report.round_pdf(opened)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "考核情况通报" in text and "整改要求" in text
    for p in opened.participants.select_related("agency"):
        assert f"第{p.rank}名 {p.agency.name} 总分 {p.total} 分" in text
    one = report.round_pdf(opened, participant=opened.participants.get(agency=world.agency_b))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(one)).pages)
    assert "测试市市场监督管理局" in text and "第 2 名" in text


def test_the_ranking_shows_the_change_from_last_year(world, people, frozen) -> None:
    _plant(world)
    old = make_round(
        world,
        people,
        ind_set=small_set(year=2025),
        year=2025,
        due=dt.date(2025, 12, 15),
        cutoff=dt.date(2025, 12, 20),
    )
    boss = world.users["supervisor"]
    services.round_apply_event(round_id=old.pk, actor=boss, event="open", data={"on": "2025-12-01"})
    _finish(world, people, old, a=("2", "1"), b=("4", "2"))
    new = make_round(world, people, ind_set=small_set())
    services.round_apply_event(round_id=new.pk, actor=boss, event="open", data={})
    _finish(world, people, new, a=("4", "2"), b=("4", "2"))
    rows = {r.agency_id: r for r in ranking.results(new)}
    a = rows[world.agency_a.pk]
    assert a.previous_total == Participant.objects.get(round=old, agency=world.agency_a).total
    assert a.change == a.total - a.previous_total and a.change > 0 and a.previous_rank == 2


def test_the_bureau_publishes_the_ranking_on_the_portal_when_it_chooses(
    world, people, opened, client
) -> None:
    _finish(world, people, opened, a=("4", "2"), b=("2", "1"))
    assert client.get(f"/portal/assessment/{opened.pk}/").status_code == 404
    services.round_apply_event(round_id=opened.pk, actor=world.users["supervisor"], event="publish", data={})
    page = client.get(f"/portal/assessment/{opened.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "测试市城市管理局" in html and "<svg" in html and "一项决策缺少风险评估" not in html
    assert opened.pk and client.get("/portal/assessment/").status_code == 200
    with pytest.raises(Conflict):
        services.round_apply_event(
            round_id=opened.pk, actor=world.users["supervisor"], event="publish", data={}
        )


def test_only_the_bureau_moves_the_round(world, people, opened) -> None:
    with pytest.raises(DomainError) as info:
        services.round_apply_event(
            round_id=opened.pk, actor=people.assessor, event="start_assessment", data={}
        )
    assert info.value.status == 403
