"""The guards and effects of each workflow step (`workflow.TABLE`); every rule is
`zhifa.law.normative`'s, every deadline `zhifa.foundation.deadlines.services`'."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.core import search
from zhifa.core.errors import Conflict, InvalidInput
from zhifa.foundation.deadlines import services as deadlines
from zhifa.law import normative as rules
from zhifa.supervision.normative.models import (
    DocumentFile,
    Filing,
    FilingResult,
    LegalityReview,
    NormativeDocument,
    NormativeEvent,
    State,
)
from zhifa.supervision.normative.workflow import NORMATIVE, OBJECT_TYPE, pending_amendment

on = NORMATIVE.handlers.handles
SEARCH_KIND = "normative"


def subject(doc: NormativeDocument, agency_id: int | None = None) -> deadlines.Subject:
    return deadlines.Subject(OBJECT_TYPE, doc.pk, agency_id or doc.agency_id)


def text_field(data: dict[str, Any], field: str, *, required: bool, max_len: int = 20000) -> str:
    value = str(data.get(field) or "").strip()
    if required and not value:
        raise InvalidInput(_("This field is required."), detail={"field": field})
    if len(value) > max_len:
        raise InvalidInput(_("At most %(n)s characters.") % {"n": max_len}, detail={"field": field})
    return value


def supervising_body(doc: NormativeDocument) -> Any:
    """The body a document is filed with: the government above the drafting agency (a government's
    own documents go to the government above it)."""
    node = doc.agency.parent
    while node is not None and node.kind != "government":
        node = node.parent
    return node or doc.agency


def index(doc: NormativeDocument) -> None:
    """The public register's full text: number, title and text (repealed ones stay searchable)."""
    search.search_index(
        kind=SEARCH_KIND,
        object_id=doc.pk,
        agency_id=doc.agency_id,
        title=f"{doc.number} {doc.title}",
        body=doc.text,
    )


@on("submit")
def submit(ctx: Any) -> None:
    doc: NormativeDocument = ctx.obj
    if not doc.text.strip() and not DocumentFile.objects.filter(document=doc).exists():
        raise InvalidInput(
            _("Attach the draft text (a file) or enter the text before submitting."),
            detail={"field": "text"},
        )
    due, applied = rules.legality_review_due(submitted_on=ctx.act_on, agency=doc.agency)
    LegalityReview.objects.create(
        document=doc,
        submitted_on=ctx.act_on,
        due_on=due.on,
        due_provisional=due.provisional,
        setting=applied.as_dict(),
    )
    period, _applied = rules.legality_review_period(agency=doc.agency)
    deadlines.deadline_open(
        subject(doc),
        kind="normative.legality_review",
        period=period,
        start_on=ctx.act_on,
        setting=applied.as_dict(),
        today=ctx.today,
    )
    ctx.record.update(due_on=due.on, setting=applied.as_dict())


@on("review")
def review(ctx: Any) -> None:
    doc: NormativeDocument = ctx.obj
    current = doc.reviews.filter(passed__isnull=True).order_by("-id").first()
    if current is None:  # a submission always opens one; defensive for hand-made data
        raise Conflict(_("No legality review is open for this document."))
    if ctx.act_on < current.submitted_on:
        raise InvalidInput(
            _("The date cannot be before %(date)s, the date of the previous step.")
            % {"date": f"{current.submitted_on:%Y-%m-%d}"},
            detail={"field": "on"},
        )
    passed = ctx.data.get("passed")
    if not isinstance(passed, bool):
        raise InvalidInput(_("Say whether the draft passes."), detail={"field": "passed"})
    checklist = ctx.data.get("checklist") or {}
    if not isinstance(checklist, dict):
        raise InvalidInput(
            _("Answer every point of the legality review checklist."), detail={"field": "checklist"}
        )
    answers = rules.check_legality_checklist(checklist, passing=passed)
    opinion = text_field(ctx.data, "opinion", required=True, max_len=5000)
    current.checklist = answers
    current.opinion = opinion
    current.passed = passed
    current.reviewed_on = ctx.act_on
    current.reviewer = ctx.actor
    current.too_quick = rules.review_too_quick(submitted_on=current.submitted_on, reviewed_on=ctx.act_on)
    current.save()
    deadlines.deadline_resolve(subject(doc), kind="normative.legality_review", on=ctx.act_on)
    ctx.target = State.REVIEWED if passed else State.RETURNED
    ctx.record.update(passed=passed, checklist=answers, opinion=opinion, too_quick=current.too_quick)


@on("deliberate")
def deliberate(ctx: Any) -> None:
    meeting = text_field(ctx.data, "meeting", required=True, max_len=200)
    record = text_field(ctx.data, "record", required=True, max_len=5000)
    ctx.set(deliberated_on=ctx.act_on, deliberation_meeting=meeting, deliberation_record=record)
    ctx.record.update(meeting=meeting)


@on("publish")
def publish(ctx: Any) -> None:
    doc: NormativeDocument = ctx.obj
    published_on = ctx.act_on
    effective_on = _day(ctx.data.get("effective_on"), "effective_on") or published_on
    review = doc.reviews.order_by("-id").first()
    rules.check_publication(
        published_on=published_on,
        effective_on=effective_on,
        legality_review_passed=bool(review and review.passed),
        deliberated=doc.deliberated_on is not None and doc.deliberated_on <= published_on,
    )
    raw_number = text_field(ctx.data, "number", required=True, max_len=60)
    number = str(rules.parse_number(raw_number, published_on=published_on))
    if NormativeDocument.objects.filter(number=number).exclude(pk=doc.pk).exists():
        raise Conflict(
            _("The number %(number)s is already used by another document.") % {"number": number},
            code="document_number_taken",
            detail={"field": "number"},
        )
    text = text_field(ctx.data, "text", required=False) or doc.text
    if not text.strip():
        raise InvalidInput(_("Enter the published text."), detail={"field": "text"})
    trial = bool(ctx.data.get("trial", doc.trial))
    years = rules.validity_years(agency=doc.agency, trial=trial)
    expires = rules.expires_on(effective_on, int(years.value))
    ctx.set(
        number=number,
        published_on=published_on,
        effective_on=effective_on,
        text=text,
        trial=trial,
        validity_years=int(years.value),
        validity_setting=years.as_dict(),
        expires_on=expires,
    )
    period, applied = rules.filing_period(agency=doc.agency)
    deadlines.deadline_open(
        subject(doc),
        kind="normative.filing",
        period=period,
        start_on=published_on,
        setting=applied.as_dict(),
        today=ctx.today,
    )
    previous = doc.previous
    if previous is not None and previous.state in {str(s) for s in NORMATIVE.table.get("amend").sources}:  # type: ignore[union-attr]
        _supersede(previous, by=doc, on=effective_on, actor=ctx.actor, today=ctx.today)
    ctx.extra.setdefault("after_save", []).append(lambda: index(doc))
    ctx.record.update(
        number=number,
        effective_on=effective_on,
        expires_on=expires,
        validity=years.as_dict(),
        filing_setting=applied.as_dict(),
    )


def _supersede(old: NormativeDocument, *, by: NormativeDocument, on: Any, actor: Any, today: Any) -> None:
    """The amended version replaces the old one from its effective date; the old one is kept
    (searchable, marked replaced) with its own history row."""
    from_state = old.state
    old.state = State.SUPERSEDED
    old.repealed_on = on
    old.repeal_reason = _("Replaced by %(number)s") % {"number": by.number}
    old.save(update_fields=["state", "repealed_on", "repeal_reason"])
    deadlines.deadline_moot(subject(old), on=today, note="superseded")
    NormativeEvent.objects.create(
        document=old,
        kind="superseded",
        at=timezone.now(),
        on=today,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(getattr(actor, "display_name", "") or "")[:50],
        from_state=from_state,
        to_state=State.SUPERSEDED,
        data={"by": by.pk, "number": by.number},
    )


def _day(raw: Any, field: str) -> Any:
    from zhifa.supervision.normative.workflow import parse_day

    return parse_day(raw, field)


@on("file")
def file(ctx: Any) -> None:
    doc: NormativeDocument = ctx.obj
    answer = rules.check_filing(published_on=doc.published_on, filed_on=ctx.act_on, agency=doc.agency)
    assert doc.published_on is not None  # check_filing refused otherwise
    due, applied = rules.filing_due(published_on=doc.published_on, agency=doc.agency)
    Filing.objects.create(
        document=doc,
        body=supervising_body(doc),
        filed_on=ctx.act_on,
        due_on=due.on,
        late=answer.late,
        provisional=due.provisional or answer.timeliness.provisional,
        setting=applied.as_dict(),
    )
    deadlines.deadline_resolve(subject(doc), kind="normative.filing", on=ctx.act_on)
    ctx.record.update(due_on=due.on, late=answer.late, setting=applied.as_dict())


@on("receive")
def receive(ctx: Any) -> None:
    doc: NormativeDocument = ctx.obj
    filing: Filing = doc.filing
    due, applied = rules.filing_review_due(received_on=ctx.act_on, agency=doc.agency)
    filing.received_on = ctx.act_on
    filing.review_due_on = due.on
    filing.save(update_fields=["received_on", "review_due_on"])
    period, _applied = rules.filing_review_period(agency=doc.agency)
    deadlines.deadline_open(
        subject(doc, filing.body_id),
        kind="normative.filing_review",
        period=period,
        start_on=ctx.act_on,
        setting=applied.as_dict(),
        today=ctx.today,
    )
    ctx.record.update(review_due_on=due.on)


@on("filing_review")
def filing_review(ctx: Any) -> None:
    doc: NormativeDocument = ctx.obj
    filing: Filing = doc.filing
    problems = text_field(ctx.data, "problems", required=False, max_len=5000)
    result = rules.check_filing_review_result(result=ctx.data.get("result"), problems=problems)
    filing.result = str(result)
    filing.reviewed_on = ctx.act_on
    filing.problems = problems if result == rules.FilingReviewResult.CORRECTION else ""
    deadlines.deadline_resolve(subject(doc, filing.body_id), kind="normative.filing_review", on=ctx.act_on)
    if result == rules.FilingReviewResult.CORRECTION:
        due, applied = rules.correction_due(notified_on=ctx.act_on, agency=doc.agency)
        filing.correction_due_on = due.on
        period, _applied = rules.correction_period(agency=doc.agency)
        deadlines.deadline_open(
            subject(doc),
            kind="normative.correction",
            period=period,
            start_on=ctx.act_on,
            setting=applied.as_dict(),
            today=ctx.today,
        )
        ctx.target = State.CORRECTING
        ctx.record.update(correction_due_on=due.on)
    else:
        ctx.target = State.IN_FORCE
    filing.save(update_fields=["result", "reviewed_on", "problems", "correction_due_on"])
    ctx.record.update(result=str(result), problems=filing.problems)


@on("correct")
def correct(ctx: Any) -> None:
    doc: NormativeDocument = ctx.obj
    filing: Filing = doc.filing
    if filing.result != FilingResult.CORRECTION:  # the table only allows it after a 纠正
        raise Conflict(_("No correction was required."))
    correction = text_field(ctx.data, "correction", required=True, max_len=5000)
    filing.corrected_on = ctx.act_on
    filing.correction = correction
    filing.correction_late = filing.correction_due_on is not None and ctx.act_on > filing.correction_due_on
    filing.save(update_fields=["corrected_on", "correction", "correction_late"])
    deadlines.deadline_resolve(subject(doc), kind="normative.correction", on=ctx.act_on)
    ctx.record.update(correction=correction, late=filing.correction_late)


@on("amend")
def amend(ctx: Any) -> None:
    doc: NormativeDocument = ctx.obj
    if pending_amendment(doc):
        raise Conflict(
            _("An amendment of this document is already in progress."), code="amendment_in_progress"
        )
    new = NormativeDocument.objects.create(
        agency=doc.agency,
        title=text_field(ctx.data, "title", required=False, max_len=200) or doc.title,
        basis=doc.basis,
        explanation=text_field(ctx.data, "explanation", required=False, max_len=20000),
        trial=doc.trial,
        text=doc.text,
        version=doc.version + 1,
        previous=doc,
        created_at=timezone.now(),
        created_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
    )
    NormativeEvent.objects.create(
        document=new,
        kind="create",
        at=timezone.now(),
        on=ctx.act_on,
        actor=new.created_by,
        actor_name=(getattr(ctx.actor, "display_name", "") or "")[:50],
        from_state="",
        to_state=State.DRAFT,
        data={"amends": doc.pk},
    )
    ctx.extra["new_version"] = new
    ctx.record.update(new_version=new.pk)


@on("repeal")
def repeal(ctx: Any) -> None:
    doc: NormativeDocument = ctx.obj
    reason = text_field(ctx.data, "reason", required=True, max_len=2000)
    rules.check_repeal(published_on=doc.published_on, repealed_on=ctx.act_on, already_repealed=False)
    ctx.set(repealed_on=ctx.act_on, repeal_reason=reason)
    deadlines.deadline_moot(subject(doc), on=ctx.act_on, note="repealed")
    ctx.extra.setdefault("after_save", []).append(lambda: index(doc))
    ctx.record.update(reason=reason)


@on("expire")
def expire(ctx: Any) -> None:
    doc: NormativeDocument = ctx.obj
    if doc.expires_on is None or ctx.today <= doc.expires_on:
        raise Conflict(_("The document is still within its validity period."), code="not_expired")
    ctx.set(expired_on=ctx.act_on)
    deadlines.deadline_moot(subject(doc), on=ctx.today, note="expired")
    ctx.record.update(expires_on=doc.expires_on)
