"""The case file tells the truth (案卷真实、完整): the rules a 案卷评查 reviewer applies to a penalty file.

Statutes (行政处罚法, 2021):
- 第四十条: the facts must be established; 违法事实不清、证据不足的，不得给予行政处罚 — no notice and no
  decision while the file holds no evidence (证据, 第四十六条, including 笔录 of 第五十五条).
- 第四十四条、第五十七条: before the party is told what penalty the agency intends, the investigation
  result is reviewed by the agency's head (负责人审查), who approves the proposal (处罚决定审批表); the
  notice is the agency's act, not the officer's.
- 第五十七条、第四十七条: closing (结案) is approved by the head (结案审批表) on the officers' closing
  report; the file is then archived.
- 第五十八条: the legal review examines each point and answers it; a point not satisfied is a ground to
  return the case, with the reason written down.
- 第六十二条: only an explicit waiver (明确放弃) of 陈述、申辩 dispenses with hearing the party; a waiver
  of the hearing (第六十三条、第六十四条) is likewise the party's own written act. A waiver names the
  right(s) waived and is backed by the party's signed document in the file.
- 第四十七条: the whole process is recorded as it happens; a 笔录 dated before the decision but entered
  into the file after it cannot have been what the decision rested on, and is flagged at archiving.

Pure functions: callers pass what the file holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from zhifa.core.errors import InvalidInput, RuleViolation

ART_40 = "行政处罚法第四十条"
ART_44_57 = "行政处罚法第四十四条、第五十七条"
ART_57_CLOSE = "行政处罚法第五十七条、第四十七条"
ART_58 = "行政处罚法第五十八条"
ART_62 = "行政处罚法第六十二条"
ART_47 = "行政处罚法第四十七条"

NOTE_MIN = 2  # a "no" is explained in words, not a dash


# --- 法制审核 checklist (第五十八条) ------------------------------------------------------------------


def check_checklist(
    checklist: Mapping[str, Any],
    points: Iterable[str],
    *,
    approving: bool,
    notes: Mapping[str, Any] | None = None,
) -> tuple[dict[str, bool], dict[str, str]]:
    """Every point answered explicitly (true or false — a missing or empty answer is no answer); a
    "no" needs a note saying why; a pass needs every point satisfied and a return needs at least one
    point not satisfied (the reason the case goes back). Returns (answers, notes of the "no" points)."""
    points = tuple(points)
    notes = notes or {}
    unanswered = [k for k in points if not isinstance(checklist.get(k), bool)]
    if unanswered:
        raise InvalidInput(
            _("Answer every point of the legal review checklist: yes or no (%(article)s).")
            % {"article": ART_58},
            detail={"field": "checklist", "missing": unanswered},
        )
    answers = {k: bool(checklist[k]) for k in points}
    failed = [k for k, ok in answers.items() if not ok]
    if approving and failed:
        raise RuleViolation(
            _(
                "A legal review cannot pass while a checklist point is not satisfied; return the case "
                "instead (%(article)s)."
            )
            % {"article": ART_58},
            code="legal_review_checklist_failed",
            article=ART_58,
            detail={"failed": failed},
        )
    unexplained = [k for k in failed if len(str(notes.get(k) or "").strip()) < NOTE_MIN]
    if unexplained:
        raise InvalidInput(
            _("A point answered “no” needs a note saying what is wrong (%(article)s).") % {"article": ART_58},
            detail={"field": "checklist_notes", "missing": unexplained},
        )
    if not approving and not failed:
        raise RuleViolation(
            _(
                "Every checklist point is answered “yes”: a return needs the point(s) not satisfied, "
                "with a note (%(article)s)."
            )
            % {"article": ART_58},
            code="legal_review_return_without_ground",
            article=ART_58,
        )
    return answers, {k: str(notes[k]).strip()[:500] for k in failed}


# --- Written waiver (第六十二条) ----------------------------------------------------------------------


class WaivableRight(StrEnum):
    STATEMENT = "statement"  # 陈述、申辩（第四十四条、第四十五条、第六十二条）
    HEARING = "hearing"  # 听证（第六十三条、第六十四条）


def check_waiver(*, rights: Iterable[str], signed_document_in_file: bool) -> list[WaivableRight]:
    """A waiver names each right waived — nothing is waived by default — and the party's signed
    waiver is in the file as evidence. Returns the rights, in a fixed order."""
    given = [str(r) for r in rights]
    known = {r.value for r in WaivableRight}
    if any(r not in known for r in given):
        raise InvalidInput(_("Unknown right."), detail={"field": "rights"})
    if not given:
        raise RuleViolation(
            _(
                "Name the right(s) the party waives — statement and defence, hearing — each explicitly; "
                "nothing is waived by default (%(article)s)."
            )
            % {"article": ART_62},
            code="waiver_rights_missing",
            article=ART_62,
            detail={"field": "rights"},
        )
    if not signed_document_in_file:
        raise RuleViolation(
            _(
                "A waiver needs the party's signed written waiver, uploaded to the file as evidence "
                "(%(article)s)."
            )
            % {"article": ART_62},
            code="waiver_document_missing",
            article=ART_62,
            detail={"field": "document"},
        )
    return [r for r in WaivableRight if r.value in given]


# --- Evidence before notice and decision (第四十条) ---------------------------------------------------


@dataclass(frozen=True)
class FileItem:
    """One piece of the file a document may cite: an uploaded evidence item or a 笔录.

    `dated_on` is the date the item itself bears (when the photo was taken, when the 笔录 was made);
    `entered_on` when it came into the file. `ref` is "<type>:<id>" (evidence:12, document:7)."""

    ref: str
    kind: str  # evidence kind (photo, video, document …) or the document code (inquiry_record …)
    label: str  # 照片、询问笔录 …
    description: str
    dated_on: dt.date | None
    entered_on: dt.date
    number: str = ""  # a 笔录's document number

    def as_dict(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "kind": self.kind,
            "label": self.label,
            "description": self.description,
            "dated_on": self.dated_on.isoformat() if self.dated_on else "",
            "entered_on": self.entered_on.isoformat(),
            "number": self.number,
        }


def check_evidence_in_file(items: Iterable[FileItem], *, step: str) -> list[FileItem]:
    """No notice and no decision on an empty file (第四十条). `step` names the act for the message.
    Returns the items (what the document will cite), oldest first."""
    found = sorted(items, key=lambda i: (i.dated_on or i.entered_on, i.ref))
    if not found:
        raise RuleViolation(
            _(
                "The file holds no evidence and no investigation record: %(step)s is not possible while "
                "the facts are not established by evidence (%(article)s)."
            )
            % {"step": step, "article": ART_40},
            code="no_evidence",
            article=ART_40,
        )
    return found


def late_entries(
    items: Iterable[FileItem], *, decided_on: dt.date | None, cited_refs: Iterable[str]
) -> list[FileItem]:
    """Items dated on or before the decision that the decision did not cite — it cited everything the
    file held when it was made, so these entered the file after it (第四十七条) and the decision cannot
    have rested on them. Flagged at archiving, where an explanation is recorded."""
    if decided_on is None:
        return []
    cited = set(cited_refs)
    return [i for i in items if i.dated_on is not None and i.dated_on <= decided_on and i.ref not in cited]


def check_late_entries(items: list[FileItem], *, explanation: str) -> None:
    if items and len(explanation.strip()) < NOTE_MIN:
        labels = "、".join(f"{i.label}{i.number or ''}" for i in items)
        raise RuleViolation(
            _(
                "%(items)s bear(s) a date before the decision but entered the file after it; archiving "
                "records an explanation of this (%(article)s)."
            )
            % {"items": labels, "article": ART_47},
            code="late_entries",
            article=ART_47,
            detail={"field": "late_entries_explanation", "refs": [i.ref for i in items]},
        )


# --- The head's approvals (第四十四条、第五十七条) -------------------------------------------------------


def check_decision_approved(*, approved: bool) -> None:
    """The party is notified of a proposal the head approved (处罚决定审批表); an officer alone does not
    notify in the agency's name."""
    if not approved:
        raise RuleViolation(
            _(
                "The agency head has not approved this penalty proposal (处罚决定审批表); the party is "
                "notified only of an approved proposal (%(article)s)."
            )
            % {"article": ART_44_57},
            code="decision_not_approved",
            article=ART_44_57,
        )


def check_closing_reported(*, reported: bool) -> None:
    """The head approves closing (结案审批表) on the officers' closing report."""
    if not reported:
        raise RuleViolation(
            _("Closing is approved on the officers' closing report; write the 结案报告 first (%(article)s).")
            % {"article": ART_57_CLOSE},
            code="closing_report_missing",
            article=ART_57_CLOSE,
        )
