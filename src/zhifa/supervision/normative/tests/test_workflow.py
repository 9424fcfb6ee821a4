import datetime as dt
from typing import Any

import pytest
import time_machine

from zhifa.core.errors import Conflict, InvalidInput, RuleViolation
from zhifa.foundation.alerts.models import Alert
from zhifa.law.services import jurisdiction_setting_set
from zhifa.supervision.normative import selectors as sel
from zhifa.supervision.normative.factories import ALL_YES, make_draft, make_published
from zhifa.supervision.normative.models import NormativeEvent, State
from zhifa.supervision.normative.services import document_apply_event as ev
from zhifa.supervision.normative.services import expiry_check

from .conftest import at

pytestmark = pytest.mark.django_db


def published(world: Any, published_on: dt.date, number: str = "测城管规〔2025〕1号", **kw: Any) -> Any:
    return make_published(
        drafter=world.officer_a,
        reviewer=world.reviewer_a,
        approver=world.approver_a,
        agency=world.agency_a,
        submitted_on=published_on - dt.timedelta(days=20),
        published_on=published_on,
        number=number,
        **kw,
    )


def test_full_path_with_a_correction_keeps_an_append_only_history(world: Any) -> None:
    with time_machine.travel(at(dt.date(2025, 8, 1)), tick=False):
        doc = published(world, dt.date(2025, 6, 3))
        assert doc.state == State.PUBLISHED
        assert doc.expires_on == dt.date(2030, 6, 2)  # five years, the day before the anniversary
        ev(document_id=doc.pk, actor=world.officer_a, event="file", data={"on": "2025-06-10"})
        ev(document_id=doc.pk, actor=world.supervisor, event="receive", data={"on": "2025-06-11"})
        with pytest.raises(InvalidInput):  # 纠正 must list the problems
            ev(
                document_id=doc.pk,
                actor=world.supervisor,
                event="filing_review",
                data={"result": "correction"},
            )
        doc = ev(
            document_id=doc.pk,
            actor=world.supervisor,
            event="filing_review",
            data={"on": "2025-07-01", "result": "correction", "problems": "第五条增设罚款，无上位法依据。"},
        )
        assert doc.state == State.CORRECTING
        assert doc.filing.correction_due_on == dt.date(2025, 7, 31)
        doc = ev(
            document_id=doc.pk,
            actor=world.officer_a,
            event="correct",
            data={"on": "2025-07-20", "correction": "删除第五条。"},
        )
        assert doc.state == State.IN_FORCE
        assert not doc.filing.correction_late
    kinds = list(NormativeEvent.objects.filter(document=doc).values_list("kind", flat=True))
    assert kinds == [
        "create",
        "submit",
        "review",
        "deliberate",
        "publish",
        "file",
        "receive",
        "filing_review",
        "correct",
    ]
    rows = {d["kind"]: d for d in sel.deadlines_of(doc, today=dt.date(2025, 8, 1))}
    assert set(rows) == {
        "normative.legality_review",
        "normative.filing",
        "normative.filing_review",
        "normative.correction",
    }
    assert all(r["resolution"] == "met" for r in rows.values())


def test_checklist_starts_empty_and_every_point_needs_an_answer(world: Any) -> None:
    with time_machine.travel(at(dt.date(2025, 6, 3)), tick=False):
        doc = make_draft(actor=world.officer_a, agency=world.agency_a)
        ev(document_id=doc.pk, actor=world.officer_a, event="submit", data={})
        assert doc.reviews.get().checklist == {}
        partial = {"authority": True}
        with pytest.raises(InvalidInput) as missing:
            ev(
                document_id=doc.pk,
                actor=world.reviewer_a,
                event="review",
                data={"checklist": partial, "passed": True, "opinion": "同意"},
            )
        assert "no_new_penalty_or_licence" in missing.value.detail["missing"]
        failing = {**ALL_YES, "no_new_penalty_or_licence": False}
        with pytest.raises(RuleViolation) as refused:
            ev(
                document_id=doc.pk,
                actor=world.reviewer_a,
                event="review",
                data={"checklist": failing, "passed": True, "opinion": "同意"},
            )
        assert refused.value.code == "legality_checklist_failed" and "国办发" in str(refused.value)
        doc = ev(
            document_id=doc.pk,
            actor=world.reviewer_a,
            event="review",
            data={"checklist": failing, "passed": False, "opinion": "第五条增设罚款，退回修改。"},
        )
        assert doc.state == State.RETURNED
        assert doc.reviews.get().checklist["no_new_penalty_or_licence"] is False


def test_only_the_legal_office_reviews(world: Any) -> None:
    from zhifa.core.errors import Forbidden

    with time_machine.travel(at(dt.date(2025, 6, 3)), tick=False):
        doc = make_draft(actor=world.officer_a, agency=world.agency_a)
        ev(document_id=doc.pk, actor=world.officer_a, event="submit", data={})
        with pytest.raises(Forbidden):
            ev(
                document_id=doc.pk,
                actor=world.officer_a,
                event="review",
                data={"checklist": ALL_YES, "passed": True, "opinion": "同意"},
            )


def test_cannot_take_effect_before_publication(world: Any) -> None:
    with time_machine.travel(at(dt.date(2025, 8, 1)), tick=False), pytest.raises(RuleViolation) as refused:
        published(world, dt.date(2025, 6, 3), effective_on=dt.date(2025, 6, 2))
    assert refused.value.code == "effective_before_publication"
    assert "未经公布不得作为行政管理依据" in str(refused.value)


def test_malformed_number_is_refused_with_a_suggestion(world: Any) -> None:
    with time_machine.travel(at(dt.date(2025, 8, 1)), tick=False), pytest.raises(RuleViolation) as refused:
        published(world, dt.date(2025, 6, 3), number="测城管规[2025]第03号")
    assert refused.value.detail["suggestion"] == "测城管规〔2025〕3号"


def test_cannot_be_filed_before_it_is_published(world: Any) -> None:
    with time_machine.travel(at(dt.date(2025, 8, 1)), tick=False):
        draft = make_draft(actor=world.officer_a, agency=world.agency_a)
        with pytest.raises(Conflict):  # the table: no filing of a draft
            ev(document_id=draft.pk, actor=world.officer_a, event="file", data={})
        doc = published(world, dt.date(2025, 6, 3))
        with pytest.raises(RuleViolation) as refused:
            ev(document_id=doc.pk, actor=world.officer_a, event="file", data={"on": "2025-06-02"})
        assert refused.value.code == "filing_before_publication"
        assert "法规规章备案条例" in str(refused.value)


@pytest.mark.parametrize(
    ("filed_on", "late"),
    [(dt.date(2025, 6, 18), False), (dt.date(2025, 6, 19), True)],
)
def test_filing_deadline_edge_in_natural_days(world: Any, filed_on: dt.date, late: bool) -> None:
    with time_machine.travel(at(dt.date(2025, 8, 1)), tick=False):
        doc = published(world, dt.date(2025, 6, 3))  # + 15 natural days = Wednesday 18 June
        doc = ev(document_id=doc.pk, actor=world.officer_a, event="file", data={"on": filed_on})
    assert doc.filing.due_on == dt.date(2025, 6, 18)
    assert doc.filing.late is late
    assert doc.filing.setting["value"] == "15" and doc.filing.setting["source"] == "national"


@pytest.mark.parametrize(
    ("filed_on", "late"),
    [(dt.date(2025, 10, 9), False), (dt.date(2025, 10, 10), True)],
)
def test_filing_deadline_on_a_holiday_moves_to_the_next_working_day(
    world: Any, filed_on: dt.date, late: bool
) -> None:
    with time_machine.travel(at(dt.date(2025, 11, 3)), tick=False):
        doc = published(world, dt.date(2025, 9, 16))  # + 15 = 1 October (国庆), holidays until 8 October
        doc = ev(document_id=doc.pk, actor=world.officer_a, event="file", data={"on": filed_on})
    assert doc.filing.due_on == dt.date(2025, 10, 9)
    assert doc.filing.late is late


def test_the_jurisdiction_filing_period_applies_and_is_shown(world: Any) -> None:
    jurisdiction_setting_set(actor=None, node=world.city, key="normative.filing_days", value="30")
    with time_machine.travel(at(dt.date(2025, 8, 1)), tick=False):
        doc = published(world, dt.date(2025, 6, 3))
        rows = {d["kind"]: d for d in sel.deadlines_of(doc)}
        assert rows["normative.filing"]["due_on"] == dt.date(2025, 7, 3)
        assert rows["normative.filing"]["setting"]["source"] == world.city.name
        doc = ev(document_id=doc.pk, actor=world.officer_a, event="file", data={"on": "2025-07-03"})
    assert doc.filing.late is False and doc.filing.setting["value"] == "30"


def test_repeal_leaves_the_valid_list_but_stays_searchable_as_repealed(world: Any) -> None:
    with time_machine.travel(at(dt.date(2025, 8, 1)), tick=False):
        doc = published(world, dt.date(2025, 6, 3), text="户外广告设施应当牢固安全，设置人负责日常维护。")
        assert [e.document.pk for e in sel.public_register(q="牢固", status="valid")] == [doc.pk]
        with pytest.raises(InvalidInput):
            ev(document_id=doc.pk, actor=world.approver_a, event="repeal", data={"reason": ""})
        ev(
            document_id=doc.pk,
            actor=world.approver_a,
            event="repeal",
            data={"on": "2025-07-01", "reason": "上位法已修改"},
        )
        assert sel.public_register(q="牢固", status="valid") == []
        found = sel.public_register(q="牢固", status="repealed")
        assert [(e.document.pk, e.status) for e in found] == [(doc.pk, "repealed")]
        assert [e.status for e in sel.public_register(q="牢固")] == ["repealed"]


def test_amendment_keeps_the_old_version_and_replaces_it_on_publication(world: Any) -> None:
    with time_machine.travel(at(dt.date(2025, 12, 1)), tick=False):
        old = published(world, dt.date(2025, 6, 3))
        new = ev(document_id=old.pk, actor=world.officer_a, event="amend", data={})
        assert new.previous_id == old.pk and new.version == 2 and new.state == State.DRAFT
        with pytest.raises(Conflict):
            ev(document_id=old.pk, actor=world.officer_a, event="amend", data={})
        draft = old.next_version
        ev(document_id=draft.pk, actor=world.officer_a, event="submit", data={"on": "2025-10-09"})
        ev(
            document_id=draft.pk,
            actor=world.reviewer_a,
            event="review",
            data={"on": "2025-10-20", "checklist": ALL_YES, "passed": True, "opinion": "合法"},
        )
        ev(
            document_id=draft.pk,
            actor=world.approver_a,
            event="deliberate",
            data={"on": "2025-10-21", "meeting": "局长办公会", "record": "同意"},
        )
        ev(
            document_id=draft.pk,
            actor=world.approver_a,
            event="publish",
            data={
                "published_on": "2025-10-22",
                "effective_on": "2025-11-01",
                "number": "测城管规〔2025〕9号",
            },
        )
        old.refresh_from_db()
        assert old.state == State.SUPERSEDED and old.repealed_on == dt.date(2025, 11, 1)
        statuses = {e.document.pk: e.status for e in sel.public_register()}
        assert statuses == {old.pk: "repealed", draft.pk: "valid"}


def test_expiry_alert_ahead_of_time_then_expiry(world: Any) -> None:
    with time_machine.travel(at(dt.date(2025, 8, 1)), tick=False):
        doc = published(world, dt.date(2025, 6, 3))
    assert doc.expires_on == dt.date(2030, 6, 2)
    key = f"normative.document:{doc.pk}:expiry"
    with time_machine.travel(at(dt.date(2030, 3, 3)), tick=False):  # 91 days before: no alert yet
        assert expiry_check()["warned"] == 0
    with time_machine.travel(at(dt.date(2030, 3, 4)), tick=False):  # 90 days before
        assert expiry_check()["warned"] == 1
        assert Alert.objects.filter(key=key, resolved_at__isnull=True).count() == 1
    with time_machine.travel(at(dt.date(2030, 6, 2)), tick=False):  # the last valid day
        expiry_check()
        doc.refresh_from_db()
        assert doc.state == State.PUBLISHED
    with time_machine.travel(at(dt.date(2030, 6, 3)), tick=False):
        assert expiry_check()["expired"] == 1
        doc.refresh_from_db()
        assert doc.state == State.EXPIRED and doc.expired_on == dt.date(2030, 6, 3)
        assert Alert.objects.filter(key=key, resolved_at__isnull=True).count() == 0
        assert sel.validity(doc) == "expired"
