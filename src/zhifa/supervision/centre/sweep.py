"""The nightly sweep of one problem model, streamed: constant memory over any number of findings, and
a fixed number of queries per batch of findings whatever the number of clues in it.

The model's findings are read in batches of `BATCH`. For each batch: one query finds the open clues
under its keys; the conditions still found are marked seen (one UPDATE) and those whose facts moved on
are rewritten (one bulk UPDATE); the new conditions are raised together — their clues and `raise`
events in two bulk INSERTs and one audit entry per clue appended under a single lock of the audit
chain's head (`core.auditing.audit_record_many`), all in one transaction. When another process raised
one of those conditions meanwhile (the unique constraint on open (model, key) refuses the batch), the
batch is raised clue by clue instead, as the incremental check raises them.

What was seen is one bit per clue id (`Seen`), not a list of clues; afterwards the clues that were
open before the sweep and were not seen are read page by page (keyset on id) and cleared a page at a
time (`clear_many`): the clues still awaiting handling get the workflow's `clear` event — the same
state, event row and audit entry the engine writes (a test compares them), in one UPDATE, one bulk
INSERT and one chain lock — and the handled ones only have their condition recorded as gone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.core.auditing import AuditItem, audit_record_many
from zhifa.core.problems import Checked, Finding, ProblemModel, Scope
from zhifa.supervision.centre.models import Clue, ClueEvent, ClueState

BATCH = 500


class Seen:
    """The clue ids seen in this sweep: one bit per id (a million clues: 125 KB)."""

    def __init__(self) -> None:
        self._bits = bytearray()

    def add(self, pk: int) -> None:
        i = pk >> 3
        if i >= len(self._bits):
            self._bits.extend(bytes(i + 1 - len(self._bits) + (1 << 12)))
        self._bits[i] |= 1 << (pk & 7)

    def __contains__(self, pk: object) -> bool:
        if not isinstance(pk, int):
            return False
        i = pk >> 3
        return i < len(self._bits) and bool(self._bits[i] & (1 << (pk & 7)))


def batches(items: Iterable[Finding | Checked], size: int = BATCH) -> Iterator[list[Finding | Checked]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def raise_many(model: ProblemModel, findings: list[Finding], today: dt.date) -> list[int]:
    """Raise one clue per finding, in bulk: the clues, their `raise` events and their audit entries
    (one per clue, one chain lock for the batch). Returns the ids raised."""
    from zhifa.supervision.centre.services import _raise, new_clue, raise_event

    if not findings:
        return []
    if connection.features.can_return_rows_from_bulk_insert:
        try:
            with transaction.atomic():
                now = timezone.now()
                clues = Clue.objects.bulk_create([new_clue(model, f, today, now) for f in findings])
                ClueEvent.objects.bulk_create([raise_event(model, c, today) for c in clues])
                audit_record_many(
                    actor=None,
                    action="centre.raise",
                    items=[AuditItem(c, {"model": model.code, "key": c.key}, c.agency_id) for c in clues],
                )
            return [c.pk for c in clues]
        except IntegrityError:  # one of them was raised meanwhile (an incremental check): one by one
            pass
    raised = []
    for f in findings:
        if _raise(model, f, today):
            raised.append(f.key)
    if not raised:
        return []
    return list(
        Clue.objects.filter(model_code=model.code, condition_open=True, key__in=raised).values_list(
            "id", flat=True
        )
    )


def _refresh_many(found: list[tuple[int, Finding]]) -> int:
    """The clues whose facts moved on (another day late …): their explanation, title and records
    rewritten in one UPDATE."""
    from zhifa.supervision.centre.services import _records

    if not found:
        return 0
    Clue.objects.bulk_update(
        [Clue(pk=pk, explanation=f.explanation, title=f.title[:300], records=_records(f)) for pk, f in found],
        ["explanation", "title", "records"],
    )
    return len(found)


def clear_many(gone: list[tuple[int, str]], today: dt.date) -> int:
    """Clear these clues (id, state as read) whose condition no longer holds, in bulk: a clue still
    awaiting handling gets the `clear` event of `centre.workflow` (state cleared, `clear` event row,
    audit entry `centre.clear`, as `core.workflow.apply_event` writes them; the act date is the day
    the engine would use); a handled one keeps its handling and only has its condition recorded as
    gone. Returns how many were cleared."""
    from zhifa.supervision.centre.services import _clear
    from zhifa.supervision.centre.workflow import CLUES

    if not gone:
        return 0
    if CLUES._listeners:  # someone listens to each clue event: let the engine call them, one by one
        for pk, state in gone:
            _clear(Clue(pk=pk, state=state), today)
        return len(gone)
    waiting = [pk for pk, state in gone if state == ClueState.OPEN]
    handled = {pk for pk, state in gone if state != ClueState.OPEN}
    with transaction.atomic():
        locked = list(
            Clue.objects.select_for_update().filter(pk__in=waiting, state=ClueState.OPEN).order_by("id")
        )
        handled |= set(waiting) - {c.pk for c in locked}  # handled meanwhile: the handling goes on
        if locked:
            act_on = timezone.localdate()
            now = timezone.now()
            note = str(_("The condition no longer holds."))
            Clue.objects.filter(pk__in=[c.pk for c in locked]).update(
                state=ClueState.CLEARED,
                condition_open=False,
                cleared_on=act_on,
                event_count=F("event_count") + 1,
            )
            ClueEvent.objects.bulk_create(
                [
                    ClueEvent(
                        clue=c,
                        kind="clear",
                        at=now,
                        on=act_on,
                        actor=None,
                        actor_name="",
                        from_state=ClueState.OPEN,
                        to_state=ClueState.CLEARED,
                        data={"note": note},
                    )
                    for c in locked
                ]
            )
            summary = {"event": "clear", "from": "open", "to": "cleared", "on": act_on.isoformat()}
            audit_record_many(
                actor=None, action="centre.clear", items=[AuditItem(c, summary) for c in locked]
            )
        if handled:
            Clue.objects.filter(pk__in=sorted(handled), condition_open=True).update(
                condition_open=False, cleared_on=today
            )
    return len(gone)


def sweep_model(model: ProblemModel, scope: Scope, today: dt.date) -> Any:
    """Reconcile one model's findings over the scope (everything, or some agencies) with its open
    clues, streamed. Returns a `services.RunResult`."""
    from zhifa.supervision.centre.services import RunResult, _mark_seen

    assert not scope.incremental
    result = RunResult()
    existing = Clue.objects.filter(model_code=model.code, condition_open=True)
    if scope.agency_ids is not None:
        existing = existing.filter(agency_id__in=scope.agency_ids)
    # only a clue open before the sweep can be gone; those it raises have higher ids
    before = existing.aggregate(m=Max("id"))["m"] or 0
    seen = Seen()
    for batch in batches(model.find(scope, today)):
        chunk: dict[str, Finding] = {}
        for f in batch:
            if not isinstance(f, Checked):
                chunk.setdefault(f.key, f)
        known = {
            key: (pk, expl)
            for pk, key, expl in existing.filter(key__in=sorted(chunk)).values_list(
                "id", "key", "explanation"
            )
        }
        fresh: list[Finding] = []
        still: list[int] = []
        moved: list[tuple[int, Finding]] = []
        for key, f in chunk.items():
            hit = known.get(key)
            if hit is None:
                fresh.append(f)
                continue
            pk, explanation = hit
            if pk in seen:  # found again later in this run: the first finding stands
                continue
            seen.add(pk)
            still.append(pk)
            if explanation != f.explanation:
                moved.append((pk, f))
        result.checked += len(still) + len(fresh)
        _mark_seen(still, today)
        result.updated += _refresh_many(moved)
        raised = raise_many(model, fresh, today)
        for pk in raised:
            seen.add(pk)
        result.raised += len(raised)
    last = 0
    while True:
        page = list(
            existing.filter(id__gt=last, id__lte=before).order_by("id").values_list("id", "state")[:BATCH]
        )
        if not page:
            break
        last = page[-1][0]
        result.cleared += clear_many([(pk, state) for pk, state in page if pk not in seen], today)
    result.by_model[model.code] = result.checked
    return result
