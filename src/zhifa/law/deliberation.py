"""Collective deliberation by the agency's heads (行政处罚法第五十七条第二款) and the extension of the
90-day decision period (第六十条).

**Deliberation (第五十七条第二款: 对情节复杂或者重大违法行为给予行政处罚，行政机关负责人应当集体讨论决定).**
"重大" is not defined by the statute; provinces and departments list serious cases. The platform
requires a deliberation when
- the officer marks the case complex (情节复杂);
- the proposal is serious by the jurisdiction's list: a fine or a confiscation at or above the
  deliberation thresholds (settings; where a jurisdiction has not set them, the hearing thresholds of
  第六十三条 in force for the agency apply, so a province that raises its hearing threshold moves
  both), a revocation of a licence, an order to suspend or close (the `suspension` measure, which
  covers 责令停产停业、责令关闭);
- a hearing was held (第六十五条: after the hearing the decision is made under 第五十七条 — a heavy
  penalty the party contested is decided by the heads together).

**Extension (第六十条: 九十日内作出决定；法律、法规、规章另有规定的，从其规定).** The statute itself
gives no extension; departmental rules do (e.g. 市场监督管理行政处罚程序规定第六十四条: with the head's
approval, thirty more days; a further extension only by the heads' collective deliberation, for a
reasonable time). The platform's settings say how far the rule in force reaches:
- the first extension cites the rule and is capped by `penalty.decision_extension_days`;
- each further one needs a collective deliberation and is capped by
  `penalty.decision_further_extension_days`;
- at most `penalty.decision_max_extensions` extensions in all — never an unlimited chain.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.law import jurisdiction
from zhifa.law.jurisdiction import SettingSpec
from zhifa.law.penalty import LARGE_CONFISCATION_ORGANISATION, LARGE_CONFISCATION_PERSON

ART_57 = "行政处罚法第五十七条第二款"
ART_57_65 = "行政处罚法第五十七条第二款、第六十五条"
ART_60 = "行政处罚法第六十条"
EXTENSION_RULE = "市场监督管理行政处罚程序规定第六十四条等部门规章（经负责人批准可延长，继续延期须集体讨论）"

DELIBERATION_FINE_PERSON = jurisdiction.register(
    SettingSpec(
        key="penalty.deliberation_fine_person",
        default=jurisdiction.spec("penalty.hearing_large_fine_person").default,
        label=_("Collective deliberation: fine for a person at least (yuan)"),
        basis="行政处罚法第五十七条第二款（重大案件范围由地方或部门规定；未规定时同第六十三条听证标准）",
    )
)
DELIBERATION_FINE_ORGANISATION = jurisdiction.register(
    SettingSpec(
        key="penalty.deliberation_fine_organisation",
        default=jurisdiction.spec("penalty.hearing_large_fine_organisation").default,
        label=_("Collective deliberation: fine for an organisation at least (yuan)"),
        basis="行政处罚法第五十七条第二款（重大案件范围由地方或部门规定；未规定时同第六十三条听证标准）",
    )
)
DELIBERATION_CONFISCATION_PERSON = jurisdiction.register(
    SettingSpec(
        key="penalty.deliberation_confiscation_person",
        default=LARGE_CONFISCATION_PERSON.default,
        label=_("Collective deliberation: confiscation from a person at least (yuan)"),
        basis="行政处罚法第五十七条第二款（未规定时同第六十三条听证标准）",
    )
)
DELIBERATION_CONFISCATION_ORGANISATION = jurisdiction.register(
    SettingSpec(
        key="penalty.deliberation_confiscation_organisation",
        default=LARGE_CONFISCATION_ORGANISATION.default,
        label=_("Collective deliberation: confiscation from an organisation at least (yuan)"),
        basis="行政处罚法第五十七条第二款（未规定时同第六十三条听证标准）",
    )
)
DELIBERATION_MEASURES = jurisdiction.register(
    SettingSpec(
        key="penalty.deliberation_measures",
        default=["revocation", "suspension"],
        kind=list,
        label=_("Collective deliberation: penalty kinds always deliberated"),
        basis="行政处罚法第五十七条第二款（吊销许可证件、责令停产停业、责令关闭）",
    )
)
EXTENSION_DAYS = jurisdiction.register(
    SettingSpec(
        key="penalty.decision_extension_days",
        default=30,
        kind=int,
        label=_("Decision period: first extension at most (days, head's approval)"),
        basis=EXTENSION_RULE,
    )
)
FURTHER_EXTENSION_DAYS = jurisdiction.register(
    SettingSpec(
        key="penalty.decision_further_extension_days",
        default=30,
        kind=int,
        label=_("Decision period: each further extension at most (days, collective deliberation)"),
        basis=EXTENSION_RULE,
    )
)
MAX_EXTENSIONS = jurisdiction.register(
    SettingSpec(
        key="penalty.decision_max_extensions",
        default=2,
        kind=int,
        label=_("Decision period: extensions at most"),
        basis=EXTENSION_RULE,
    )
)

# the hearing threshold (第六十三条) each deliberation threshold falls back to
_FALLBACK = {
    DELIBERATION_FINE_PERSON.key: "penalty.hearing_large_fine_person",
    DELIBERATION_FINE_ORGANISATION.key: "penalty.hearing_large_fine_organisation",
    DELIBERATION_CONFISCATION_PERSON.key: "penalty.hearing_large_confiscation_person",
    DELIBERATION_CONFISCATION_ORGANISATION.key: "penalty.hearing_large_confiscation_organisation",
}


def threshold(key: str, *, agency: Any | None) -> jurisdiction.Applied:
    """The deliberation threshold in force: the jurisdiction's own, else the hearing threshold."""
    own = jurisdiction.applied(key, agency=agency)
    if own.source_node_id is not None:
        return own
    return jurisdiction.applied(_FALLBACK[key], agency=agency)


@dataclass(frozen=True)
class Serious:
    grounds: tuple[str, ...]
    applied: tuple[dict[str, str], ...]


def serious_case(
    *,
    party_kind: str,
    measures: Iterable[str],
    fine: Decimal | None,
    confiscation_value: Decimal | None,
    agency: Any | None,
) -> Serious:
    """第五十七条第二款: is the proposal on the jurisdiction's list of serious cases?"""
    person = party_kind == "person"
    fine_t = threshold(
        DELIBERATION_FINE_PERSON.key if person else DELIBERATION_FINE_ORGANISATION.key, agency=agency
    )
    conf_t = threshold(
        DELIBERATION_CONFISCATION_PERSON.key if person else DELIBERATION_CONFISCATION_ORGANISATION.key,
        agency=agency,
    )
    kinds_t = jurisdiction.applied(DELIBERATION_MEASURES.key, agency=agency)
    kinds = set(measures)
    grounds: list[str] = []
    if "fine" in kinds and fine is not None and fine >= Decimal(str(fine_t.value)):
        grounds.append("large_fine")
    if (
        "confiscation" in kinds
        and confiscation_value is not None
        and confiscation_value >= Decimal(str(conf_t.value))
    ):
        grounds.append("large_confiscation")
    for kind in kinds_t.value:
        if kind in kinds:
            grounds.append(str(kind))
    return Serious(tuple(grounds), (fine_t.as_dict(), conf_t.as_dict(), kinds_t.as_dict()))


@dataclass(frozen=True)
class ExtensionAnswer:
    number: int  # 1 for the first extension
    cap: int
    applied: dict[str, str]
    needs_deliberation: bool


def check_extension(
    *,
    previous: Sequence[dict[str, Any]],
    days: int,
    rule: str,
    deliberated_on: dt.date | None,
    agency: Any | None,
) -> ExtensionAnswer:
    """第六十条: one extension on the cited rule within its cap; a further one only after the heads'
    collective deliberation, within its own cap; never more than the number the rule allows."""
    if days < 1:
        raise InvalidInput(_("This number is out of range."), detail={"field": "days"})
    if not (rule or "").strip():
        raise RuleViolation(
            _("An extension must cite the rule that allows it (%(article)s).") % {"article": ART_60},
            code="extension_rule_required",
            article=ART_60,
            detail={"field": "rule"},
        )
    number = len(previous) + 1
    most = jurisdiction.applied(MAX_EXTENSIONS.key, agency=agency)
    if number > int(most.value):
        raise RuleViolation(
            _(
                "The decision period has already been extended %(count)s times, the most the rule in "
                "force allows (%(basis)s; %(article)s)."
            )
            % {"count": len(previous), "basis": most.basis, "article": ART_60},
            code="extension_limit_reached",
            article=ART_60,
            detail={"max": int(most.value)},
        )
    further = number > 1
    cap_setting = jurisdiction.applied(
        FURTHER_EXTENSION_DAYS.key if further else EXTENSION_DAYS.key, agency=agency
    )
    cap = int(cap_setting.value)
    if days > cap:
        raise RuleViolation(
            _(
                "An extension of %(days)s days exceeds the %(cap)s days the rule allows (%(basis)s; "
                "%(article)s)."
            )
            % {"days": days, "cap": cap, "basis": cap_setting.basis, "article": ART_60},
            code="extension_over_cap",
            article=ART_60,
            detail={"field": "days", "cap": cap},
        )
    if further and deliberated_on is None:
        raise RuleViolation(
            _(
                "A further extension of the decision period needs the collective deliberation of the "
                "agency's heads: record its date and minutes (%(basis)s; %(article)s)."
            )
            % {"basis": cap_setting.basis, "article": ART_60},
            code="extension_needs_deliberation",
            article=ART_60,
            detail={"field": "deliberated_on"},
        )
    return ExtensionAnswer(number, cap, cap_setting.as_dict(), further)
