"""The second workflow on the shared engine: complaints get their history, audit entries, alert
resolution, listeners, refusals and drawing from `zhifa.core.workflow` alone — their own code is the
table, the handlers and the hooks that say how to lock, see and record a complaint."""

import inspect
import re

import pytest

from zhifa.audit.models import AuditEntry
from zhifa.audit.services import audit_verify
from zhifa.core import workflow
from zhifa.core.errors import Conflict, Forbidden, InvalidInput
from zhifa.core.workflow_doc import workflow_docs
from zhifa.foundation.alerts.models import Alert
from zhifa.public.complaints import services as svc
from zhifa.public.complaints.factories import make_complaint
from zhifa.public.complaints.models import State
from zhifa.public.complaints.services import feedback, handling, review
from zhifa.public.complaints.services.workflow import COMPLAINTS, TABLE

pytestmark = pytest.mark.django_db


def test_every_row_has_a_handler_and_the_service_doors_only_call_the_engine() -> None:
    assert set(COMPLAINTS.handlers) == set(TABLE.events)
    for name in ("accept", "reject", "redirect", "refer", "assign", "progress", "extend", "reply"):
        source = inspect.getsource(getattr(handling, f"complaint_{name}"))
        assert re.search(rf'_apply\(\s*"{name}"', source)
        assert "save(" not in source and "audit" not in source
    # the rating, the re-opening it causes and 复查/复核 go through the same door
    source = inspect.getsource(feedback.complaint_feedback)
    assert re.search(r'_apply\(\s*"feedback"', source) and re.search(r'_apply\(\s*"reopen"', source)
    for door, event in (
        (review.complaint_review_request, "review_request"),
        (review.complaint_review_request_public, "review_request"),
        (review.complaint_review_answer, "review_answer"),
    ):
        source = inspect.getsource(door)
        assert re.search(rf'_apply\(\s*"{event}"', source) and "save(" not in source


def test_history_audit_and_alerts_come_from_the_engine(routing, world, frozen) -> None:
    c = make_complaint(routing.street_vending, routing.east)
    frozen.move_to("2025-06-19 09:00+08:00")  # the 15 days for deciding on acceptance have passed
    assert svc.raise_sla_alerts() == 1
    before = AuditEntry.objects.count()
    last_event = c.events.order_by("-id").values_list("id", flat=True)[0]

    c = workflow.apply_event(COMPLAINTS, obj_id=c.pk, actor=world.officer_a, event="accept", data={})
    c = workflow.apply_event(
        COMPLAINTS, obj_id=c.pk, actor=world.officer_a, event="progress", data={"public_note": "已派员核查。"}
    )
    c = workflow.apply_event(
        COMPLAINTS,
        obj_id=c.pk,
        actor=world.officer_a,
        event="reply",
        data={"reply": "经核查，已责令摊主退回店内经营，并加强巡查。"},
    )

    # history: one append-only row per event, with the states the table gave
    rows = list(
        c.events.filter(id__gt=last_event).order_by("id").values_list("kind", "from_state", "to_state")
    )
    assert rows == [
        ("accept", "received", "accepted"),
        ("progress", "accepted", "accepted"),
        ("reply", "accepted", "concluded"),
    ]
    # audit: one entry per event, named after the workflow, the chain intact
    actions = list(AuditEntry.objects.filter(seq__gt=before).values_list("action", flat=True))
    assert [a for a in actions if a.startswith("complaints.")] == [
        "complaints.accept",
        "complaints.progress",
        "complaints.reply",
    ]
    assert audit_verify().ok
    # alerts: the late acceptance answered the SLA alert, closed by the engine in the same transaction
    assert Alert.objects.get(key=f"complaint:{c.pk}:sla").resolved_at is not None


def test_refusals_come_from_the_engine_and_change_nothing(routing, world, frozen) -> None:
    c = make_complaint(routing.street_vending, routing.east)
    events = c.events.count()
    with pytest.raises(Conflict):  # not from this state: the table says so
        workflow.apply_event(COMPLAINTS, obj_id=c.pk, actor=world.officer_a, event="extend", data={"days": 5})
    svc.complaint_accept(complaint_id=c.pk, actor=world.officer_a)
    with pytest.raises(Forbidden):  # an officer may not approve an extension: the table's roles
        workflow.apply_event(
            COMPLAINTS,
            obj_id=c.pk,
            actor=world.officer_a,
            event="extend",
            data={"days": 5, "reason": "需现场复测"},
        )
    with pytest.raises(InvalidInput) as unknown:
        workflow.apply_event(COMPLAINTS, obj_id=c.pk, actor=world.officer_a, event="explode", data={})
    assert unknown.value.code == "unknown_event"
    assert c.events.count() == events + 1


def test_a_listener_runs_in_the_transaction_and_a_failing_one_rolls_the_event_back(
    routing, world, frozen
) -> None:
    seen: list[tuple[str, str]] = []

    def listener(complaint, row) -> None:  # type: ignore[no-untyped-def]
        seen.append((row.kind, complaint.state))
        if row.kind == "reject":
            raise RuntimeError("listener failed")

    COMPLAINTS.register_listener(listener)
    try:
        a = make_complaint(routing.street_vending, routing.east)
        svc.complaint_accept(complaint_id=a.pk, actor=world.officer_a)
        b = make_complaint(routing.street_vending, routing.east)
        with pytest.raises(RuntimeError):
            svc.complaint_reject(complaint_id=b.pk, actor=world.officer_a, reason="属于诉讼程序处理的事项")
    finally:
        COMPLAINTS._listeners.remove(listener)
    assert seen == [("accept", State.ACCEPTED), ("reject", State.REJECTED)]
    b.refresh_from_db()
    assert b.state == State.RECEIVED and not b.events.filter(kind="reject").exists()


def test_the_drawing_is_the_shared_one_from_the_table() -> None:
    text = workflow_docs()["docs/workflow-complaints.md"].render()
    assert "received --> accepted: accept" in text and "reopened --> concluded: reply" in text
    for t in TABLE:
        assert f"`{t.event}`" in text
