"""Disclosure of enforcement decisions (执法公示 · 事后公开).

- 行政处罚法第四十八条第一款: decisions with a certain social impact are published according to law;
  国办发〔2018〕118号 (行政执法公示制度) sets the window: enforcement decisions (许可、处罚) within
  7 working days of the decision. The window is a jurisdiction setting
  (`disclosure.decision_publish_working_days`, registered in law.jurisdiction with the national
  default 7); the record keeps which value applied and where it came from.
- 行政处罚法第四十八条第二款: when a published decision is changed, revoked, confirmed illegal or
  confirmed void, the agency withdraws the published information within 三日 and publicly explains
  why. 第八十五条 makes those three days working days.
- 政府信息公开条例第十四条、第十五条: information that is a state secret, or whose publication would
  harm a third party's trade secrets or privacy, is not published (an exemption the agency records
  with its basis).
- Personal data: 个人信息保护法第六条、第三十四条 (minimum necessary for a state organ's duties) and
  国办发〔2018〕118号 (publish with personal information removed or masked). An individual party is
  shown with the surname only (张*), without ID number, phone or address; an organisation is shown
  in full, since its name and 统一社会信用代码 are public registration data.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from zhifa.core import masking
from zhifa.core.errors import Forbidden, RuleViolation
from zhifa.law import jurisdiction
from zhifa.law.days import DayKind, Period

ARTICLE_PUBLISH = "行政处罚法第四十八条第一款；国办发〔2018〕118号"
ARTICLE_WITHDRAW = "行政处罚法第四十八条第二款、第八十五条"
ARTICLE_EXEMPT = "政府信息公开条例第十四条、第十五条"
ARTICLE_PERSONAL_DATA = "个人信息保护法第六条、第三十四条"

PUBLISH_WINDOW_SETTING = "disclosure.decision_publish_working_days"
WITHDRAWAL_PERIOD = Period(days=3, kind=DayKind.WORKING, article=ARTICLE_WITHDRAW)


class WithdrawalGround(StrEnum):
    """The four grounds of 行政处罚法第四十八条第二款."""

    CHANGED = "changed"  # 变更
    REVOKED = "revoked"  # 撤销
    CONFIRMED_ILLEGAL = "confirmed_illegal"  # 确认违法
    CONFIRMED_VOID = "confirmed_void"  # 确认无效


class ExemptionGround(StrEnum):
    """Why a decision is not published (政府信息公开条例第十四条、第十五条)."""

    STATE_SECRET = "state_secret"  # noqa: S105 — 国家秘密（第十四条）, a ground, not a password
    TRADE_SECRET = "trade_secret"  # noqa: S105 — 商业秘密（第十五条）
    PRIVACY = "privacy"  # 个人隐私（第十五条）
    SECURITY = "security"  # 危及国家安全、公共安全、经济安全、社会稳定（第十四条）


def publication_window(*, agency: object | None) -> jurisdiction.Applied:
    """The window in working days in force for `agency`, with where the value came from."""
    return jurisdiction.applied(PUBLISH_WINDOW_SETTING, agency=agency)


def publication_period(window_days: int) -> Period:
    if window_days < 0:
        raise ValueError("window_days must be >= 0")
    return Period(days=window_days, kind=DayKind.WORKING, article=ARTICLE_PUBLISH)


def publication_due(decided_on: dt.date, *, window_days: int) -> dt.date:
    """Last day to publish a decision made on `decided_on`: `window_days` working days after it
    (the decision day is not counted; holidays and adjusted working days follow the official calendar)."""
    return publication_period(window_days).end(decided_on)


def withdrawal_due(changed_on: dt.date) -> dt.date:
    """Last day to withdraw a published decision changed or revoked on `changed_on` (3 working days)."""
    return WITHDRAWAL_PERIOD.end(changed_on)


def public_party_name(name: str, *, is_person: bool) -> str:
    """张三 → 张**; organisations unchanged (see module docstring for the basis)."""
    return masking.mask_name(name, is_person=is_person)


def public_text(text: str, *, person_names: list[str] | tuple[str, ...] = ()) -> str:
    """Free text (facts, reasons) made fit to publish: the one masking rule of `zhifa.core.masking`
    (ID, phone and card numbers in any spelling, home addresses, the named individuals and the person
    names found in the text)."""
    return masking.redact_text(text or "", names=person_names)


# --- The reviewed publication step ----------------------------------------------------------------

ARTICLE_REVIEWED = "行政处罚法第四十八条第一款、第五十条；国办发〔2018〕118号"


def check_publication_review(*, served: bool, masking_checked: bool, actor_present: bool) -> None:
    """Publication is an act of the agency, reviewed before anything goes public (第五十条: personal
    data and secrets known in enforcement are kept confidential): an approver confirms the masked text,
    the party has had the decision served first, and the platform never publishes by itself."""
    if not actor_present:
        raise Forbidden(_("A decision is published by the agency's approver, never automatically."))
    if not served:
        raise RuleViolation(
            _(
                "The decision has not been served on the party yet; it is published after service (%(article)s)."
            )
            % {"article": ARTICLE_REVIEWED},
            code="publication_before_service",
            article=ARTICLE_REVIEWED,
        )
    if not masking_checked:
        raise RuleViolation(
            _(
                "Confirm that the text to publish was checked: no individual's full name, ID number, "
                "phone or address (%(article)s)."
            )
            % {"article": ARTICLE_REVIEWED},
            code="masking_not_checked",
            article=ARTICLE_REVIEWED,
            detail={"field": "masking_checked"},
        )
