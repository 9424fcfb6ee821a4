"""The table against the engine: every row has a handler; from every state every event the table does
not list is refused (409) and changes nothing; each applied step writes its audit entry."""

from typing import Any

import pytest

from zhifa.audit.models import AuditEntry
from zhifa.core.errors import Conflict
from zhifa.supervision.normative.factories import make_draft
from zhifa.supervision.normative.models import NormativeDocument, NormativeEvent, State
from zhifa.supervision.normative.services import document_apply_event
from zhifa.supervision.normative.workflow import NORMATIVE, TABLE

pytestmark = pytest.mark.django_db


def test_every_row_has_a_handler() -> None:
    assert set(NORMATIVE.handlers) == set(TABLE.events)


def test_events_the_table_does_not_list_are_refused_in_every_state(world: Any) -> None:
    doc = make_draft(actor=world.officer_a, agency=world.agency_a)
    for state in State.values:
        NormativeDocument.objects.filter(pk=doc.pk).update(state=state)
        for t in TABLE:
            if state in t.sources:
                continue
            events = NormativeEvent.objects.count()
            with pytest.raises(Conflict) as refused:
                document_apply_event(document_id=doc.pk, actor=world.approver_a, event=t.event, data={})
            assert refused.value.code == "event_not_allowed_in_state"
            assert NormativeEvent.objects.count() == events
            assert NormativeDocument.objects.get(pk=doc.pk).state == state


def test_a_step_writes_its_audit_entry(world: Any) -> None:
    doc = make_draft(actor=world.officer_a, agency=world.agency_a)
    document_apply_event(document_id=doc.pk, actor=world.officer_a, event="submit", data={})
    assert AuditEntry.objects.filter(action="normative.submit").count() == 1
