import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from zhifa.core.errors import Conflict, Forbidden, RuleViolation
from zhifa.enforcement.cases.models import CaseDeadline
from zhifa.enforcement.documents.tests.helpers import pdf_text
from zhifa.enforcement.evidence.factories import make_evidence, mp4_bytes
from zhifa.enforcement.seizures import services
from zhifa.enforcement.seizures.models import Seizure
from zhifa.foundation.alerts.models import Alert

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
START = dt.date(2025, 5, 6)
ITEMS = [
    {"description": "挖掘机（型号 SY75C）", "quantity": "1", "unit": "台", "estimated_value": "280000"},
    {"description": "破碎锤", "quantity": "2", "unit": "个"},
]


def _seize(kit, case, *, measure="seizure", at=dt.datetime(2025, 5, 7, 10, 0, tzinfo=SH), **over):
    data = {
        "actor": kit.world.approver_a,
        "case_id": case.pk,
        "measure": measure,
        "reason": "涉嫌未经批准挖掘城市道路的作业工具",
        "basis": "《城市道路管理条例》第四十二条",
        "started_at": at,
        "officer_ids": [kit.officer_a.pk, kit.officer_a2.pk],
        "items": ITEMS,
        "storage_location": "东城区执法中队暂扣物品仓库",
        "location": "建设路",
    }
    data.update(over)
    return services.seizure_record(**data)


def test_a_seizure_has_its_decision_with_item_list_and_a_thirty_day_term(kit, case) -> None:
    seizure = _seize(kit, case)
    assert seizure.due_on == dt.date(2025, 6, 6)  # 7 May + 30 days (a Friday)
    assert seizure.number.startswith("测城管强〔2025〕") and seizure.items.count() == 2
    text = pdf_text(seizure.document)
    assert "扣押决定书" in text and "挖掘机" in text and "破碎锤" in text and "2025年6月6日" in text
    assert seizure.document.state == "served"  # handed over on the spot (第二十四条)
    assert seizure.site_action.av_required
    assert Alert.objects.filter(kind="av_record_missing", object_id=str(seizure.site_action.pk)).exists()


def test_the_video_of_the_seizure_clears_its_flag(kit, case) -> None:
    seizure = _seize(kit, case)
    make_evidence(
        actor=kit.world.officer_a,
        agency=kit.agency,
        case=case,
        data=mp4_bytes(seed=4),
        action_id=seizure.site_action.pk,
    )
    assert Alert.objects.get(kind="av_record_missing").resolved_at is not None


@pytest.mark.parametrize(
    ("over", "code"),
    [
        ({"officer_ids": []}, "seizure_two_officers"),
        ({"party_present": False}, "seizure_witness_required"),
        ({"items": []}, "seizure_items_required"),
    ],
)
def test_measures_breaking_article_18_or_24_are_refused(kit, case, over, code) -> None:
    if "officer_ids" in over:
        over["officer_ids"] = [kit.officer_a.pk]
    with pytest.raises(RuleViolation) as exc:
        _seize(kit, case, **over)
    assert exc.value.code == code
    assert Seizure.objects.count() == 0


def test_an_officer_needs_the_heads_approval_unless_it_is_an_emergency(kit, case) -> None:
    with pytest.raises(RuleViolation) as exc:
        _seize(kit, case, actor=kit.world.officer_a)
    assert exc.value.code == "seizure_approval_required"
    seizure = _seize(kit, case, actor=kit.world.officer_a, emergency=True)
    assert seizure.approved_by is None
    seizure = services.seizure_approve(actor=kit.world.approver_a, seizure_id=seizure.pk)
    assert seizure.approved_by == kit.world.approver_a


def test_one_extension_of_at_most_thirty_days_by_the_head(kit, case, frozen) -> None:
    seizure = _seize(kit, case, at=dt.datetime(2025, 6, 20, 9, 0, tzinfo=SH))
    assert seizure.due_on == dt.date(2025, 7, 21)  # 20 June + 30 = 20 July, a Sunday → Monday
    with pytest.raises(Forbidden):
        services.seizure_extend(
            actor=kit.world.officer_a, seizure_id=seizure.pk, days=10, reason="复杂", decided_on=frozen
        )
    with pytest.raises(RuleViolation):
        services.seizure_extend(
            actor=kit.world.approver_a, seizure_id=seizure.pk, days=31, reason="复杂", decided_on=frozen
        )
    seizure = services.seizure_extend(
        actor=kit.world.approver_a,
        seizure_id=seizure.pk,
        days=30,
        reason="需调取施工许可材料",
        decided_on=frozen,
    )
    assert seizure.due_on == dt.date(2025, 8, 19)  # 20 June + 60 days
    assert "延长扣押期限决定书" in pdf_text(seizure.extension.document)
    with pytest.raises(RuleViolation) as exc:
        services.seizure_extend(
            actor=kit.world.approver_a, seizure_id=seizure.pk, days=1, reason="再次", decided_on=frozen
        )
    assert exc.value.code == "seizure_extension_once"


def test_testing_time_is_not_counted(kit, case, frozen) -> None:
    seizure = _seize(kit, case, at=dt.datetime(2025, 6, 20, 9, 0, tzinfo=SH))
    services.appraisal_start(
        actor=kit.world.officer_a,
        seizure_id=seizure.pk,
        kind="appraisal",
        description="送市质检院鉴定",
        started_on=dt.date(2025, 6, 23),
        party_notified_on=dt.date(2025, 6, 23),
    )
    seizure.refresh_from_db()
    assert seizure.due_on is None  # paused
    seizure = services.appraisal_end(
        actor=kit.world.officer_a, seizure_id=seizure.pk, ended_on=dt.date(2025, 6, 27)
    )
    assert seizure.due_on == dt.date(2025, 7, 25)  # 30 + 5 excluded days from 20 June


def test_alerts_before_expiry_and_after_it(kit, case) -> None:
    seizure = _seize(kit, case)  # due 6 June
    assert services.seizures_check_terms(today=dt.date(2025, 5, 31)) == 0
    assert services.seizures_check_terms(today=dt.date(2025, 6, 2)) == 1
    soon = Alert.objects.get(kind="seizure_expiring", key=f"seizure:{seizure.pk}:due_soon")
    assert soon.due_on == dt.date(2025, 6, 6) and soon.severity == "warning"
    services.seizures_check_terms(today=dt.date(2025, 6, 7))
    overdue = Alert.objects.get(key=f"seizure:{seizure.pk}:overdue")
    assert overdue.severity == "critical" and "行政强制法第二十七条" in overdue.article
    disposition = services.seizure_dispose(
        actor=kit.world.officer_a,
        seizure_id=seizure.pk,
        outcome="returned",
        decided_on=dt.date(2025, 6, 9),
        receiver="当事人委托人 李某",
    )
    assert disposition.late  # after the term: recorded
    assert not Alert.objects.filter(kind="seizure_expiring", resolved_at__isnull=True).exists()


def test_disposal_item_by_item_ends_the_measure_with_the_last(kit, case) -> None:
    seizure = _seize(kit, case)
    _first, second = seizure.items.order_by("position")
    services.seizure_dispose(
        actor=kit.world.officer_a,
        seizure_id=seizure.pk,
        outcome="returned",
        decided_on=dt.date(2025, 5, 20),
        item_ids=[second.pk],
    )
    seizure.refresh_from_db()
    assert seizure.status == "active"
    with pytest.raises(RuleViolation) as exc:
        services.seizure_dispose(
            actor=kit.world.officer_a,
            seizure_id=seizure.pk,
            outcome="confiscated",
            decided_on=dt.date(2025, 5, 21),
        )
    assert exc.value.code == "confiscation_needs_decision"
    with pytest.raises(RuleViolation):
        services.seizure_dispose(
            actor=kit.world.officer_a,
            seizure_id=seizure.pk,
            outcome="auctioned",
            decided_on=dt.date(2025, 5, 21),
        )
    disposition = services.seizure_dispose(
        actor=kit.world.officer_a,
        seizure_id=seizure.pk,
        outcome="auctioned",
        decided_on=dt.date(2025, 5, 21),
        proceeds=Decimal("150000.00"),
    )
    seizure.refresh_from_db()
    assert seizure.status == "disposed" and seizure.disposed_on == dt.date(2025, 5, 21)
    text = pdf_text(disposition.document)
    assert "拍卖" in text and "壹拾伍万元整" in text
    with pytest.raises(Conflict):
        services.seizure_dispose(
            actor=kit.world.officer_a,
            seizure_id=seizure.pk,
            outcome="returned",
            decided_on=dt.date(2025, 5, 22),
        )


def test_preservation_runs_seven_working_days_and_moves_the_case(kit, case) -> None:
    seizure = _seize(kit, case, measure="preservation", at=dt.datetime(2025, 5, 7, 10, 0, tzinfo=SH))
    assert seizure.due_on == dt.date(2025, 5, 16)  # 7 working days after Wed 7 May
    assert "先行登记保存通知书" in pdf_text(seizure.document)
    row = CaseDeadline.objects.get(case=case, kind="preservation")
    assert row.resolved_on is None
    with pytest.raises(RuleViolation):
        services.seizure_extend(
            actor=kit.world.approver_a,
            seizure_id=seizure.pk,
            days=3,
            reason="x",
            decided_on=dt.date(2025, 5, 8),
        )
    services.seizure_dispose(
        actor=kit.world.officer_a, seizure_id=seizure.pk, outcome="returned", decided_on=dt.date(2025, 5, 12)
    )
    row.refresh_from_db()
    assert row.resolved_on == dt.date(2025, 5, 12)


def test_a_case_with_property_still_held_is_not_archived(kit, case) -> None:
    seizure = _seize(kit, case)
    problems = services.archive_check_seizures(case)
    assert len(problems) == 1 and seizure.number in problems[0] and "第二十七条" in problems[0]
    services.seizure_dispose(
        actor=kit.world.officer_a, seizure_id=seizure.pk, outcome="returned", decided_on=dt.date(2025, 5, 20)
    )
    assert services.archive_check_seizures(case) == []


def test_another_agency_cannot_touch_the_seizure(kit, case) -> None:
    from zhifa.core.errors import NotFound

    seizure = _seize(kit, case)
    with pytest.raises(NotFound):
        services.seizure_dispose(
            actor=kit.world.officer_b,
            seizure_id=seizure.pk,
            outcome="returned",
            decided_on=dt.date(2025, 5, 20),
        )
