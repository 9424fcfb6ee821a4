"""Seizures on the shared engine: their history, audit entries, deadline, alerts, refusals, listeners and
drawing come from the shared parts alone (`zhifa.core.workflow`, `zhifa.foundation.deadlines`,
`zhifa.foundation.alerts`, `zhifa.core.workflow_doc`) — the seizures' own code is the table, the
handlers and the hooks that say how to lock, see and record a measure."""

import datetime as dt
import inspect
import re

import pytest

from zhifa.audit.models import AuditEntry
from zhifa.audit.services import audit_verify
from zhifa.core import workflow
from zhifa.core.errors import Conflict, Forbidden, InvalidInput
from zhifa.core.workflow_doc import workflow_docs
from zhifa.enforcement.seizures import deadlines as dues
from zhifa.enforcement.seizures import services
from zhifa.enforcement.seizures.models import Seizure, SeizureEvent
from zhifa.enforcement.seizures.workflow import SEIZURES, TABLE
from zhifa.foundation.alerts.models import Alert
from zhifa.foundation.deadlines import services as deadlines

from .test_seizures import SH, _seize

pytestmark = pytest.mark.django_db
DOORS = {
    "approve": services.seizure_approve,
    "refuse_emergency": services.seizure_refuse_emergency,
    "extend": services.seizure_extend,
    "appraisal_start": services.appraisal_start,
    "appraisal_end": services.appraisal_end,
    "dispose": services.seizure_dispose,
}


def test_every_row_has_a_handler_and_the_doors_only_call_the_engine() -> None:
    # `record` is the creating row: its door makes the measure, then writes through the same workflow
    assert set(SEIZURES.handlers) == set(TABLE.events) - {"record"} == set(DOORS)
    for event, door in DOORS.items():
        source = inspect.getsource(door)
        assert re.search(rf'_apply\(\s*"{event}"', source), event
        assert "save(" not in source and "audit" not in source and "alert" not in source, event
    assert "record_created(" in inspect.getsource(services.seizure_record)


def _events(seizure: Seizure) -> list[tuple[str, str, str]]:
    return list(seizure.events.order_by("id").values_list("kind", "from_state", "to_state"))


def test_history_audit_deadline_and_alerts_come_from_the_shared_parts(kit, case, frozen) -> None:
    before = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    taken = dt.datetime(2025, 6, 20, 9, 0, tzinfo=SH)
    seizure = _seize(kit, case, actor=kit.world.officer_a, emergency=True, at=taken)
    subject = dues.subject(seizure)

    # the 第十九条 alert, raised by the seizures' sweep, is closed by the engine when the head approves
    assert services.seizures_check_emergencies(now=taken + dt.timedelta(hours=25)) == 1
    seizure = workflow.apply_event(
        SEIZURES, obj_id=seizure.pk, actor=kit.world.approver_a, event="approve", data={}
    )
    assert Alert.objects.get(kind="seizure_emergency_unapproved").resolved_at is not None

    # testing stops the term's row on the deadline engine; its end adds the excluded days
    services.appraisal_start(
        actor=kit.world.officer_a,
        seizure_id=seizure.pk,
        kind="testing",
        description="送市质检院检测",
        started_on=dt.date(2025, 6, 23),
        party_notified_on=dt.date(2025, 6, 23),
    )
    row = deadlines.latest(subject, [dues.TERM])
    assert row is not None and row.suspended_since == dt.date(2025, 6, 23)
    seizure = services.appraisal_end(
        actor=kit.world.officer_a, seizure_id=seizure.pk, ended_on=dt.date(2025, 6, 27)
    )
    row.refresh_from_db()
    assert row.suspended_since is None and seizure.due_on == row.due_on == dt.date(2025, 7, 25)

    # the warning before the end is closed by the engine when the term is extended (the row extended)
    assert services.seizures_check_terms(today=dt.date(2025, 7, 22)) == 1
    seizure = workflow.apply_event(
        SEIZURES,
        obj_id=seizure.pk,
        actor=kit.world.approver_a,
        event="extend",
        data={"days": 10, "reason": "需调取施工许可材料", "decided_on": "2025-06-30"},
    )
    row.refresh_from_db()
    assert row.extra_days == 15 and seizure.due_on == row.due_on == dt.date(
        2025, 8, 4
    )  # 20 June + 30 + 5 + 10
    assert Alert.objects.get(key=f"seizure:{seizure.pk}:due_soon").resolved_at is not None

    # dealing with the last item ends the measure and meets the term
    first, _second = seizure.items.order_by("position")
    services.seizure_dispose(
        actor=kit.world.officer_a,
        seizure_id=seizure.pk,
        outcome="returned",
        decided_on=dt.date(2025, 6, 30),
        item_ids=[first.pk],
    )
    services.seizure_dispose(
        actor=kit.world.officer_a, seizure_id=seizure.pk, outcome="returned", decided_on=dt.date(2025, 6, 30)
    )
    row.refresh_from_db()
    assert row.resolved_on == dt.date(2025, 6, 30) and row.resolution == "met"

    # history: one append-only row per step, the states the table gave, the date of each act
    seizure.refresh_from_db()
    assert _events(seizure) == [
        ("record", "", "active"),
        ("approve", "active", "active"),
        ("appraisal_start", "active", "active"),
        ("appraisal_end", "active", "active"),
        ("extend", "active", "active"),
        ("dispose", "active", "active"),
        ("dispose", "active", "disposed"),
    ]
    assert list(seizure.events.values_list("on", flat=True))[2:5] == [
        dt.date(2025, 6, 23),
        dt.date(2025, 6, 27),
        dt.date(2025, 6, 30),
    ]
    last = seizure.events.order_by("-id").first()
    assert last is not None and last.data["finished"] is True and last.actor == kit.world.officer_a
    # audit: one entry per step, named after the workflow, the chain intact
    actions = [
        a
        for a in AuditEntry.objects.filter(seq__gt=before).order_by("seq").values_list("action", flat=True)
        if a.startswith("seizures.")
    ]
    assert actions == [
        "seizures.record",
        "seizures.approve",
        "seizures.appraisal_start",
        "seizures.appraisal_end",
        "seizures.extend",
        "seizures.dispose",
        "seizures.dispose",
    ]
    assert audit_verify().ok
    with pytest.raises(Exception, match="never"):  # core.history: the rows are append-only
        last.save()


def test_refusals_come_from_the_engine_and_change_nothing(kit, case, frozen) -> None:
    seizure = _seize(kit, case, at=dt.datetime(2025, 6, 20, 9, 0, tzinfo=SH))
    with pytest.raises(Forbidden) as forbidden:  # an officer may not extend: the table's roles
        services.seizure_extend(
            actor=kit.world.officer_a, seizure_id=seizure.pk, days=5, reason="复杂", decided_on=frozen
        )
    assert forbidden.value.code == "event_forbidden"
    with pytest.raises(InvalidInput) as unknown:
        workflow.apply_event(
            SEIZURES, obj_id=seizure.pk, actor=kit.world.approver_a, event="explode", data={}
        )
    assert unknown.value.code == "unknown_event"
    with pytest.raises(InvalidInput):  # a creating row is not applied to an existing measure
        workflow.apply_event(SEIZURES, obj_id=seizure.pk, actor=kit.world.approver_a, event="record", data={})
    with pytest.raises(InvalidInput) as early:  # the date of the act: never before the measure
        services.seizure_dispose(
            actor=kit.world.officer_a,
            seizure_id=seizure.pk,
            outcome="returned",
            decided_on=dt.date(2025, 6, 19),
        )
    assert early.value.detail == {"field": "decided_on"}
    services.seizure_dispose(
        actor=kit.world.officer_a, seizure_id=seizure.pk, outcome="returned", decided_on=dt.date(2025, 6, 30)
    )
    with pytest.raises(Conflict) as conflict:  # not from this state: the table says so
        services.seizure_extend(
            actor=kit.world.approver_a, seizure_id=seizure.pk, days=5, reason="复杂", decided_on=frozen
        )
    assert conflict.value.code == "event_not_allowed_in_state"
    assert _events(seizure) == [("record", "", "active"), ("dispose", "active", "disposed")]


def test_a_listener_runs_in_the_transaction_and_a_failing_one_rolls_the_step_back(kit, case, frozen) -> None:
    seen: list[tuple[str, str]] = []

    def listener(seizure, row) -> None:  # type: ignore[no-untyped-def]
        seen.append((row.kind, seizure.status))
        if row.kind == "dispose":
            raise RuntimeError("listener failed")

    SEIZURES.register_listener(listener)
    try:
        seizure = _seize(kit, case, at=dt.datetime(2025, 6, 20, 9, 0, tzinfo=SH))
        with pytest.raises(RuntimeError):
            services.seizure_dispose(
                actor=kit.world.officer_a, seizure_id=seizure.pk, outcome="returned", decided_on=frozen
            )
    finally:
        SEIZURES._listeners.remove(listener)
    assert seen == [("record", "active"), ("dispose", "disposed")]
    seizure.refresh_from_db()
    assert seizure.status == "active" and not seizure.dispositions.exists()
    assert not SeizureEvent.objects.filter(seizure=seizure, kind="dispose").exists()


def test_the_drawing_is_the_shared_one_from_the_table() -> None:
    doc = workflow_docs()["docs/workflow-seizures.md"]
    text = doc.render()
    assert "[*] --> active: record" in text and "active --> disposed: dispose" in text
    assert "active --> disposed: refuse_emergency" in text
    for t in TABLE:
        assert f"`{t.event}`" in text
    assert doc.is_current()


def test_the_detail_page_shows_the_history(client, kit, case, frozen) -> None:
    seizure = _seize(kit, case, at=dt.datetime(2025, 6, 20, 9, 0, tzinfo=SH))
    services.seizure_dispose(
        actor=kit.world.officer_a, seizure_id=seizure.pk, outcome="returned", decided_on=frozen
    )
    client.force_login(kit.world.supervisor)
    page = client.get(f"/seizures/{seizure.pk}/").content.decode()
    history = page[page.index("历史") :]
    assert history.index("实施措施") < history.index("作出处理决定 → 已处理")
    assert "2025-06-20" in history and "2025-06-30" in history


@pytest.mark.parametrize(
    ("event", "data", "field"),
    [
        ("dispose", {"outcome": "auctioned", "proceeds": "abc", "decided_on": "2025-06-30"}, "proceeds"),
        ("dispose", {"outcome": "returned", "item_ids": ["x"], "decided_on": "2025-06-30"}, "item_ids"),
        ("dispose", {"outcome": "melted", "decided_on": "2025-06-30"}, "outcome"),
        ("extend", {"days": "many", "reason": "复杂", "decided_on": "2025-06-30"}, "days"),
        ("extend", {"days": 5, "reason": "复杂", "decided_on": "2025-07-01"}, "decided_on"),
        ("appraisal_start", {"kind": "testing", "description": "送检", "started_on": "2025-06-23"}, None),
    ],
)
def test_bad_input_through_the_engine_is_a_400_and_changes_nothing(kit, case, event, data, field) -> None:
    seizure = _seize(kit, case, at=dt.datetime(2025, 6, 20, 9, 0, tzinfo=SH))
    with pytest.raises(InvalidInput) as exc:
        workflow.apply_event(SEIZURES, obj_id=seizure.pk, actor=kit.world.approver_a, event=event, data=data)
    if field is not None:
        assert exc.value.detail == {"field": field}
    assert _events(seizure) == [("record", "", "active")]
    assert not seizure.dispositions.exists() and not seizure.appraisals.exists()


def test_a_testing_period_given_as_iso_dates_through_the_engine(kit, case, frozen) -> None:
    seizure = _seize(kit, case, at=dt.datetime(2025, 6, 20, 9, 0, tzinfo=SH))
    workflow.apply_event(
        SEIZURES,
        obj_id=seizure.pk,
        actor=kit.world.officer_a,
        event="appraisal_start",
        data={
            "kind": "testing",
            "description": "送检",
            "started_on": "2025-06-23",
            "party_notified_on": "2025-06-24",
        },
    )
    period = seizure.appraisals.get()
    assert period.party_notified_on == dt.date(2025, 6, 24) and period.ended_on is None
