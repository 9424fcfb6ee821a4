"""Who may be penalised at all: age (行政处罚法第三十条) and mental capacity (第三十一条).

- 第三十条: under fourteen (不满十四周岁) on the day of the act → no penalty, the guardian is ordered
  to discipline (责令监护人加以管教); fourteen to seventeen (已满十四周岁不满十八周岁) → the penalty
  must be lighter (从轻) or reduced (减轻).
- 第三十一条: a person with a mental illness or intellectual disability who could not recognise or
  control the act → no penalty, the guardian is ordered to look after and treat (严加看管和治疗); in a
  lucid interval → penalised normally; not entirely without capacity → may be lighter or reduced.

**How 周岁 are counted.** Ages follow the Gregorian calendar and a year of age is complete only from
the day *after* the birthday (最高人民法院《关于审理未成年人刑事案件具体应用法律若干问题的解释》第二条,
the reading administrative practice borrows): on the fourteenth birthday a person is still under
fourteen, on the eighteenth birthday still a minor. Someone born on 29 February has the birthday on
1 March in other years (the later of the two candidate days, so the protection lasts as long as any
reading allows).

**Which day of the act.** For a continuing act the age on its first day counts (`occurred_on`): the
youngest age at which the party acted, in the party's favour.

**Unknown age.** A person without an ID that carries the birth date (a foreign passport, no
document) and without a recorded birth date has an UNKNOWN age. An unknown age never blocks the
protection (the `under_age` ground and the `minor` mitigation ground stay available on the officer's
recorded evidence), and it does not by itself refuse a penalty; the record says the age was unknown.

Pure functions: no database.
"""

from __future__ import annotations

import calendar as pycal
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from zhifa.core.errors import InvalidInput, RuleViolation

ART_30 = "行政处罚法第三十条"
ART_31 = "行政处罚法第三十一条"
AGE_RULE = "最高人民法院关于审理未成年人刑事案件具体应用法律若干问题的解释第二条"

CHILD_AGE = 14  # 不满十四周岁：不予处罚
ADULT_AGE = 18  # 已满十四周岁不满十八周岁：从轻或者减轻


class AgeBand(StrEnum):
    UNDER_14 = "under_14"
    MINOR = "minor"  # 14–17
    ADULT = "adult"
    UNKNOWN = "unknown"


class Capacity(StrEnum):
    """第三十一条: what the record says about the party's capacity when acting."""

    FULL = "full"  # nothing recorded / full capacity
    NONE = "none"  # 不能辨认或者不能控制自己行为：不予处罚
    LIMITED = "limited"  # 尚未完全丧失辨认或者控制能力：可以从轻或者减轻
    LUCID_INTERVAL = "lucid_interval"  # 间歇性精神病人在精神正常时：应当给予处罚


def birth_date_from_id(id_number: str) -> dt.date | None:
    """The birth date inside a 居民身份证号码: 18 digits (GB 11643-1999, positions 7–14, YYYYMMDD) or
    the old 15-digit number (positions 7–12, YYMMDD of the 1900s). None for anything else."""
    v = (id_number or "").strip().upper()
    try:
        if len(v) == 18 and v[:17].isdigit():
            return dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
        if len(v) == 15 and v.isdigit():
            return dt.date(1900 + int(v[6:8]), int(v[8:10]), int(v[10:12]))
    except ValueError:
        return None
    return None


def anniversary(born: dt.date, years: int) -> dt.date:
    """The birthday `years` after `born`; 29 February falls on 1 March in a common year."""
    year = born.year + years
    if born.month == 2 and born.day == 29 and not pycal.isleap(year):
        return dt.date(year, 3, 1)
    return born.replace(year=year)


def full_years(born: dt.date, on: dt.date) -> int:
    """周岁 on `on`: a year of age counts from the day after the birthday (see the module docstring)."""
    years = on.year - born.year
    while years > 0 and on <= anniversary(born, years):
        years -= 1
    return max(years, 0)


def age_band(born: dt.date | None, on: dt.date) -> AgeBand:
    if born is None:
        return AgeBand.UNKNOWN
    age = full_years(born, on)
    if age < CHILD_AGE:
        return AgeBand.UNDER_14
    if age < ADULT_AGE:
        return AgeBand.MINOR
    return AgeBand.ADULT


def parse_capacity(value: str | None) -> Capacity:
    try:
        return Capacity(value or Capacity.FULL)
    except ValueError:
        raise InvalidInput(_("Unknown capacity."), detail={"field": "capacity"}) from None


def check_penalty_allowed(*, band: AgeBand, capacity: Capacity) -> None:
    """No penalty at all for a child under fourteen (第三十条) or a person who could not recognise or
    control the act (第三十一条): only a no-penalty decision with the guardian's order."""
    if band == AgeBand.UNDER_14:
        raise RuleViolation(
            _(
                "The party was under fourteen on the day of the act: no penalty may be imposed; decide "
                "not to penalise and order the guardian to discipline the child (%(article)s)."
            )
            % {"article": ART_30},
            code="party_under_14",
            article=ART_30,
        )
    if capacity == Capacity.NONE:
        raise RuleViolation(
            _(
                "The party could not recognise or control the act: no penalty may be imposed; decide not "
                "to penalise and order the guardian to look after and treat the party (%(article)s)."
            )
            % {"article": ART_31},
            code="party_incapable",
            article=ART_31,
        )


def check_mitigation_fits(*, ground: str | None, band: AgeBand, capacity: Capacity) -> None:
    """The `minor` ground needs a party who was (or may have been) 14–17; `limited_capacity` needs the
    recorded limited capacity of 第三十一条."""
    if ground == "minor" and band in (AgeBand.ADULT, AgeBand.UNDER_14):
        raise RuleViolation(
            _(
                "The minor ground applies only to a party aged fourteen to seventeen on the day of the act (%(article)s)."
            )
            % {"article": ART_30},
            code="mitigation_minor_not_minor",
            article=ART_30,
        )
    if ground == "limited_capacity" and capacity != Capacity.LIMITED:
        raise RuleViolation(
            _(
                "The limited-capacity ground needs the party's limited capacity recorded on the case (%(article)s)."
            )
            % {"article": ART_31},
            code="mitigation_capacity_not_recorded",
            article=ART_31,
        )


def check_minor_leniency(
    *,
    band: AgeBand,
    measures: Iterable[str],
    fine: Decimal | None,
    tier_min: Decimal | None,
    amount_class: str,
    mitigation_ground: str | None,
    leniency_reason: str,
) -> None:
    """第三十条: a minor of 14–17 is penalised more lightly (从轻) or reduced (减轻). What shows it:
    a fine below the statutory minimum with a mitigation ground (减轻), or a fine at the bottom of the
    applied range (从轻); a plain warning is the lightest penalty there is. Any other penalty needs the
    written account of how it was made lighter (`leniency_reason`)."""
    if band != AgeBand.MINOR:
        return
    kinds = set(measures)
    if kinds == {"warning"}:
        return
    has_reason = bool((leniency_reason or "").strip())
    fine_ok = True
    if "fine" in kinds and fine is not None:
        if tier_min is not None or amount_class == "below_legal_minimum":
            reduced = amount_class == "below_legal_minimum" and bool(mitigation_ground)
            lighter = tier_min is not None and fine <= tier_min
            fine_ok = reduced or lighter
        else:  # no range to measure the fine against: the written account shows the leniency
            fine_ok = has_reason
    others_ok = not (kinds - {"warning", "fine"}) or has_reason
    if fine_ok and others_ok:
        return
    raise RuleViolation(
        _(
            "The party was fourteen to seventeen on the day of the act: the penalty must be lighter "
            "(a fine at the bottom of the range) or reduced (below the statutory minimum, with the "
            "ground recorded) (%(article)s)."
        )
        % {"article": ART_30},
        code="minor_leniency_required",
        article=ART_30,
    )


def guardian_order_required(ground: str) -> str | None:
    """The article whose guardian order a no-penalty decision on this ground must carry."""
    return {"under_age": ART_30, "incapacity": ART_31}.get(ground)


# The order as the statute words it, printed on the no-penalty decision (第三十条: 责令监护人加以管教;
# 第三十一条: 责令其监护人严加看管和治疗). The officer's recorded order follows it where it adds to it.
GUARDIAN_ORDER_WORDING = {
    "under_age": ("《中华人民共和国行政处罚法》第三十条", "责令当事人的监护人加以管教"),
    "incapacity": ("《中华人民共和国行政处罚法》第三十一条", "责令当事人的监护人严加看管和治疗"),
}


def guardian_order_sentence(ground: str, recorded: str) -> str:
    """The sentence a no-penalty decision on `ground` prints for the guardian's order: the statutory
    order with its article, then what the officer recorded when it says more than the statute (a
    recorded "责令其监护人加以管教。" is the statutory order itself and is not printed twice). Empty for
    a ground that carries no order."""
    wording = GUARDIAN_ORDER_WORDING.get(ground)
    if wording is None:
        return ""
    basis, order = wording
    sentence = f"根据{basis}的规定，{order}。"
    extra = (recorded or "").strip().rstrip("。；;.")
    core = order.replace("当事人的", "")
    if extra and extra not in (order, core, core.replace("监护人", "其监护人")):
        sentence += f"具体要求：{extra}。"
    return sentence
