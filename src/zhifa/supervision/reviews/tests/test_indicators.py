import datetime as dt
from decimal import Decimal

from zhifa.core.indicators import DateSpan, indicator_value
from zhifa.enforcement.cases.factories import CaseKit
from zhifa.supervision.reviews.models import RectificationNotice, SampledFile
from zhifa.supervision.reviews.results import AgencyResult, rank
from zhifa.supervision.reviews.services import campaign_draw
from zhifa.supervision.reviews.tests.builders import clean_case, make_campaign

SPAN = DateSpan(dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def test_indicators_against_hand_counts(kit: CaseKit) -> None:
    w = kit.world
    for _ in range(3):
        clean_case(kit)
    c = campaign_draw(actor=w.supervisor, campaign_id=make_campaign(kit, sample_count=3).pk, seed="2b" * 32)
    files = list(c.files.order_by("position"))
    # Hand-set scores (the scoring door is tested elsewhere): 95 excellent, 70 pass, 0 fail.
    from zhifa.supervision.reviews.models import ScoreSheet

    for f, (score, grade) in zip(files, [("95", "excellent"), ("70", "pass"), ("0", "fail")], strict=True):
        sheet = ScoreSheet.objects.create(
            file=f,
            reviewer=w.officer_b,
            form_score=0,
            substance_score=0,
            score=Decimal(score),
            grade=grade,
            scored_at=dt.datetime(2025, 6, 30, 9, tzinfo=dt.UTC),
        )
        SampledFile.objects.filter(pk=f.pk).update(
            current_sheet=sheet, score=Decimal(score), grade=grade, state="scored"
        )
    a = [w.agency_a.pk]
    avg = indicator_value("reviews.average_score", a, SPAN)
    assert (avg.value, avg.numerator, avg.denominator) == (Decimal("55.0"), Decimal(165), Decimal(3))
    rate = indicator_value("reviews.pass_rate", a, SPAN)
    assert (rate.value, rate.numerator, rate.denominator) == (Decimal("66.7"), Decimal(2), Decimal(3))
    assert indicator_value("reviews.average_score", [w.agency_b.pk], SPAN).value is None
    assert indicator_value("reviews.average_score", a, DateSpan.year(2024)).value is None
    # Rectification: one on time (responded on the due date), one late, one unanswered.
    base = {"campaign": c, "issued_on": dt.date(2025, 6, 1), "due_on": dt.date(2025, 7, 1), "text": "整改"}
    RectificationNotice.objects.create(agency=w.agency_a, responded_on=dt.date(2025, 7, 1), **base)
    from zhifa.org.factories import build_org_world  # noqa: F401 — the world already has two agencies

    RectificationNotice.objects.create(agency=w.agency_b, responded_on=dt.date(2025, 7, 2), **base)
    RectificationNotice.objects.create(agency=w.justice, **base)
    on_time = indicator_value(
        "reviews.rectification_on_time_rate", [w.agency_a.pk, w.agency_b.pk, w.justice.pk], SPAN
    )
    assert (on_time.numerator, on_time.denominator, on_time.value) == (
        Decimal(1),
        Decimal(3),
        Decimal("33.3"),
    )


def test_ranking_tie_rule() -> None:
    def r(name: str, total: int, scored: int, excellent: int, failed: int) -> AgencyResult:
        return AgencyResult(
            0, name, files=scored, scored=scored, total=Decimal(total), excellent=excellent, failed=failed
        )

    rows = rank(
        [
            r("甲", 180, 2, 1, 0),
            r("乙", 180, 2, 0, 1),
            r("丙", 190, 2, 2, 0),
            r("丁", 180, 2, 1, 0),
            AgencyResult(0, "戊"),
        ]
    )
    assert [(x.name, x.rank) for x in rows] == [("丙", 1), ("丁", 2), ("甲", 2), ("乙", 4), ("戊", None)]
