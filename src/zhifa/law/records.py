"""Full-process records (全过程记录) and the documents a case file must hold.

Statutes and policy (shared/data/laws/行政处罚法(2021-01-22).md, 行政强制法(2011-06-30).md):
- 行政处罚法第四十七条: the agency records the whole process — start, investigation, review,
  decision, service, execution — in writing and on audio-video, and archives it.
- 国办发〔2018〕118号 (三项制度, 执法全过程记录制度): on-site actions that directly affect life,
  health or important property rights — 查封扣押财产, 强制拆除 and the like — are recorded on audio-video
  from beginning to end. Which actions belong to the list is a setting (provinces add to it).
- The documents the path of a case requires, each with the article that requires the step behind it:
  立案 (第五十四条), investigation and inspection records (第五十五条), notice (第四十四条、第六十二条),
  hearing notice and record (第六十三条、第六十四条), legal review (第五十八条), collective deliberation
  (第五十七条第二款), decision (第五十九条; on the spot 第五十二条), no-penalty decision (第五十七条),
  proof of service (第六十一条), reminder before court enforcement (行政强制法第五十四条), closing
  report (结案, 第四十七条 archive).

Pure functions: callers pass the events a case went through and its flags.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from zhifa.core.errors import RuleViolation
from zhifa.law import jurisdiction
from zhifa.law.jurisdiction import SettingSpec, register

ARTICLE_FULL_PROCESS = "行政处罚法第四十七条"
ARTICLE_MANDATORY_AV = "国办发〔2018〕118号（执法全过程记录制度）"


class SiteAction(StrEnum):
    """On-site enforcement actions that may have to be recorded on video."""

    SEALING = "sealing"  # 查封
    SEIZURE = "seizure"  # 扣押
    DETENTION = "detention"  # 暂扣
    PRESERVATION = "preservation"  # 先行登记保存
    FORCED_DEMOLITION = "forced_demolition"  # 强制拆除
    INSPECTION = "inspection"  # 现场检查
    SERVICE = "service"  # 送达（留置送达等）
    ON_SPOT_PENALTY = "on_spot_penalty"  # 当场处罚
    OTHER = "other"


SITE_ACTION_LABELS: dict[str, str] = {
    SiteAction.SEALING: "查封",
    SiteAction.SEIZURE: "扣押",
    SiteAction.DETENTION: "暂扣",
    SiteAction.PRESERVATION: "先行登记保存",
    SiteAction.FORCED_DEMOLITION: "强制拆除",
    SiteAction.INSPECTION: "现场检查",
    SiteAction.SERVICE: "送达",
    SiteAction.ON_SPOT_PENALTY: "当场处罚",
    SiteAction.OTHER: "其他现场执法活动",
}

# The setting is a comma-separated list of SiteAction codes (a string, so that it survives being
# stored as text in a JurisdictionSetting row and read back unchanged).
MANDATORY_AV_ACTIONS = register(
    SettingSpec(
        key="records.mandatory_av_actions",
        default="sealing,seizure,detention,forced_demolition",
        kind=str,
        label=_("On-site actions that must be recorded on video from beginning to end (codes)"),
        basis=ARTICLE_MANDATORY_AV + "；行政处罚法第四十七条",
    )
)

AV_EVIDENCE_KINDS = frozenset({"video"})
"""What counts as a full audio-video record of an action: a video (body cameras record sound too).
A photo or an audio file alone is not 音像记录 of the whole action."""


def parse_action_list(raw: Any) -> frozenset[str]:
    """Codes from the setting's text; unknown codes are ignored (a typo must not block archiving of
    every case, and it is visible in the settings page)."""
    known = {str(a) for a in SiteAction}
    return frozenset(part.strip() for part in str(raw).split(",") if part.strip() in known)


def mandatory_av_actions(*, agency: Any | None = None) -> frozenset[str]:
    """The actions that must be video-recorded in the agency's jurisdiction."""
    return parse_action_list(jurisdiction.value(MANDATORY_AV_ACTIONS.key, agency=agency))


def av_required(action: str, *, agency: Any | None = None) -> bool:
    return action in mandatory_av_actions(agency=agency)


def av_missing_message(action_label: str) -> str:
    return str(
        _(
            "The on-site action “%(action)s” has no video record; it must be recorded on audio-video from "
            "beginning to end (行政处罚法第四十七条, 国办发〔2018〕118号)."
        )
        % {"action": action_label}
    )


# --- Documents a case file requires ---------------------------------------------------------------


@dataclass(frozen=True)
class RequiredDocument:
    """One requirement: any of `codes` satisfies it (e.g. either kind of investigation record)."""

    codes: tuple[str, ...]
    article: str

    @property
    def code(self) -> str:
        return self.codes[0]


# Event (DESIGN.md workflow) → the document it requires.
_BY_EVENT: dict[str, RequiredDocument] = {
    "file": RequiredDocument(("filing_approval",), "行政处罚法第五十四条"),
    "notify": RequiredDocument(("prior_notice",), "行政处罚法第四十四条、第六十二条"),
    "hold_hearing": RequiredDocument(("hearing_record",), "行政处罚法第六十四条第八项"),
    "approve_legal_review": RequiredDocument(("legal_review_opinion",), "行政处罚法第五十八条"),
    "return_legal_review": RequiredDocument(("legal_review_opinion",), "行政处罚法第五十八条"),
    "record_deliberation": RequiredDocument(("deliberation_record",), "行政处罚法第五十七条第二款"),
    "decide": RequiredDocument(("decision",), "行政处罚法第五十九条"),
    "decide_on_spot": RequiredDocument(("decision",), "行政处罚法第五十二条"),
    "decide_no_penalty": RequiredDocument(("no_penalty_decision",), "行政处罚法第五十七条"),
    "serve": RequiredDocument(("proof_of_service",), "行政处罚法第六十一条"),
    "apply_court_enforcement": RequiredDocument(("reminder",), "行政强制法第五十四条"),
    "approve_decision": RequiredDocument(("decision_approval",), "行政处罚法第五十七条"),
    "report_closing": RequiredDocument(("closing_report",), ARTICLE_FULL_PROCESS),
    "close": RequiredDocument(("closing_approval",), "行政处罚法第五十七条、第四十七条"),
}

INVESTIGATION_RECORD = RequiredDocument(("inspection_record", "inquiry_record"), "行政处罚法第五十五条")
HEARING_NOTICE = RequiredDocument(("hearing_notice",), "行政处罚法第六十三条、第六十四条")

# After these events the investigation is over; its record must be in the file.
_AFTER_INVESTIGATION = {"submit_proposal", "decide", "decide_no_penalty"}


def required_documents(
    events: Iterable[str], *, procedure: str = "ordinary", hearing_eligible: bool = False
) -> list[RequiredDocument]:
    """The documents a case file needs for the path it took (events in order), without duplicates.

    Simple procedure (行政处罚法第五十一、五十二条): the on-the-spot decision is the record; no
    filing form, notice or investigation record is required.
    """
    seen = list(events)
    required: list[RequiredDocument] = []

    def add(req: RequiredDocument) -> None:
        if req not in required:
            required.append(req)

    for event in seen:
        req = _BY_EVENT.get(event)
        if req is not None:
            add(req)
        if event == "notify" and hearing_eligible:
            add(HEARING_NOTICE)
        if procedure != "simple" and event in _AFTER_INVESTIGATION:
            add(INVESTIGATION_RECORD)
    return required


def missing_documents(required: Iterable[RequiredDocument], present_codes: Iterable[str]) -> list[str]:
    """Requirements not met by the documents present (the first code of each missing requirement)."""
    present = set(present_codes)
    return [req.code for req in required if not present.intersection(req.codes)]


# --- Destruction of evidence content --------------------------------------------------------------

ARTICLE_DESTRUCTION = "档案法第二十一条；档案法实施条例第二十四条"


def check_destruction(
    *,
    retention_until: dt.date | None,
    today: dt.date,
    case_archived: bool | None,
    reason: str,
) -> None:
    """Gates before evidence content may be destroyed.

    档案法第二十一条: 禁止擅自销毁档案. 档案法实施条例第二十四条: only records whose retention period has
    expired, after an appraisal (鉴定) that finds them no longer worth keeping. Evidence of a case that
    is still open is part of a file being built, never an expired record. `case_archived` is None for
    evidence that belongs to no case.
    """
    if retention_until is None:
        raise RuleViolation(
            _(
                "No retention period is recorded for this evidence, so it cannot be destroyed (档案法第二十一条)."
            ),
            code="retention_not_set",
            article=ARTICLE_DESTRUCTION,
        )
    if today <= retention_until:
        raise RuleViolation(
            _(
                "The retention period runs until %(date)s; evidence is destroyed only after it has expired "
                "(档案法实施条例第二十四条)."
            )
            % {"date": retention_until.isoformat()},
            code="retention_not_expired",
            article=ARTICLE_DESTRUCTION,
        )
    if case_archived is False:
        raise RuleViolation(
            _("The case is not archived; its evidence cannot be destroyed (行政处罚法第四十七条)."),
            code="case_not_archived",
            article=ARTICLE_FULL_PROCESS,
        )
    if not reason.strip():
        raise RuleViolation(
            _("Give the appraisal finding that the evidence need not be kept (档案法实施条例第二十四条)."),
            code="destruction_reason_required",
            article=ARTICLE_DESTRUCTION,
        )
