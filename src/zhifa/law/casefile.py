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
- 第五十一条、第五十二条: an on-the-spot decision needs 违法事实确凿 and a numbered decision handed to the
  party that states the party, the act, the time and the place: the party identified (name and identity
  document number) and the facts recorded (what was done, where, when) before it is decided.
- 第五十七条第一款第（二）、（三）项 with 第四十条、第五十四条: a decision not to penalise follows the
  investigation's result (调查终结) — a minor act, a first offence, no fault, a child, an incapable party,
  time-barred, or facts not established are each findings the file must support: no such decision on a
  file without evidence or 笔录, and the under-fourteen ground only on an age the file establishes
  (ID number or date of birth, 第三十条).

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
from zhifa.law.penalty import NoPenaltyGround

ART_40 = "行政处罚法第四十条"
ART_44_57 = "行政处罚法第四十四条、第五十七条"
ART_57_CLOSE = "行政处罚法第五十七条、第四十七条"
ART_58 = "行政处罚法第五十八条"
ART_62 = "行政处罚法第六十二条"
ART_47 = "行政处罚法第四十七条"
ART_51_52 = "行政处罚法第五十一条、第五十二条"
ART_57_NO_PENALTY = "行政处罚法第四十条、第五十七条"
ART_54_57 = "行政处罚法第五十四条、第五十七条第一款第（三）项"
ART_30 = "行政处罚法第三十条"

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


# --- On the spot (第五十一条、第五十二条) and not penalising (第五十七条) -----------------------------------

FACTS_MIN = 4  # the shortest statement naming an act and its object (占道经营); "违法" is not a fact


def check_on_spot_record(
    *, party_name: str, party_id_number: str, facts: str, location: str, occurred_on: dt.date | None
) -> None:
    """Before deciding on the spot: the party is identified — name and the number of the identity
    document shown (resident ID, credit code, passport …) — and the facts are recorded: the act, the
    place and the day (第五十二条第二款: the decision states them). A party who cannot be identified on
    the spot is dealt with in the ordinary procedure."""
    unidentified = [
        f
        for f, value in (("party_name", party_name), ("party_id_number", party_id_number))
        if not value.strip()
    ]
    if unidentified:
        raise RuleViolation(
            _(
                "The party is not identified: an on-the-spot decision names the party and the number of the "
                "identity document shown; otherwise use the ordinary procedure (%(article)s)."
            )
            % {"article": ART_51_52},
            code="on_spot_party_unidentified",
            article=ART_51_52,
            detail={"field": unidentified[0], "missing": unidentified},
        )
    missing = [
        f
        for f, ok in (
            ("facts", len("".join(ch for ch in facts if ch.isalnum())) >= FACTS_MIN),
            ("location", bool(location.strip())),
            ("occurred_on", occurred_on is not None),
        )
        if not ok
    ]
    if missing:
        raise RuleViolation(
            _(
                "The facts are not recorded: an on-the-spot decision states what the party did, where and "
                "when, established on the spot (%(article)s)."
            )
            % {"article": ART_51_52},
            code="on_spot_facts_missing",
            article=ART_51_52,
            detail={"field": missing[0], "missing": missing},
        )


def check_no_penalty_file(items: Iterable[FileItem], *, ground: str, age_established: bool) -> list[FileItem]:
    """A decision not to penalise rests on what the investigation established (第五十七条): the file
    holds evidence or a 笔录 — for "facts not established" the record of the investigation that found
    so (第五十四条) — and the under-fourteen ground needs the age on record (第三十条). Returns the items
    the 不予行政处罚决定书 cites, oldest first."""
    found = sorted(items, key=lambda i: (i.dated_on or i.entered_on, i.ref))
    if not found:
        article = ART_54_57 if ground == NoPenaltyGround.FACTS_NOT_ESTABLISHED else ART_57_NO_PENALTY
        raise RuleViolation(
            _(
                "The file holds no evidence and no investigation record: a decision not to penalise rests on "
                "what the investigation established, and its ground must be supported by the file "
                "(%(article)s)."
            )
            % {"article": article},
            code="no_penalty_without_evidence",
            article=article,
        )
    if ground == NoPenaltyGround.UNDER_AGE and not age_established:
        raise RuleViolation(
            _(
                "The party's age on the day of the act is not on record: record the ID number or the date of "
                "birth before deciding on the under-fourteen ground (%(article)s)."
            )
            % {"article": ART_30},
            code="no_penalty_age_unknown",
            article=ART_30,
            detail={"field": "ground"},
        )
    return found
