"""What earlier decisions on the same party forbid: a second fine for one act (行政处罚法第二十九条) and
首违不罚 for a party that offended before (第三十三条第一款).

- 第二十九条: one act is fined once, whichever agency fines first; where the act breaks several
  provisions that each carry a fine, the provision with the higher fine applies.
- 第三十三条第一款后段: 初次违法且危害后果轻微并及时改正的，可以不予行政处罚 — "初次" is lost by an
  earlier penalty for the same kind of act.

**Same act** = the same power item (by its code) or the same violated provision, and act dates that
overlap (a one-day act is the range [occurred_on, occurred_on]; a continuing act runs to its end, or
open-ended while it goes on). **Same kind of act** = the same power item or provision, any dates.
**Earlier** (for 首违) = a decision made before the act now judged began: an act committed before the
party was ever penalised is still a first offence. An earlier no-penalty decision on the 首违 ground
counts too — the party has used its first time.

The callers (the case workflow) collect `Prior` rows for the party across every agency of the
platform; revoked decisions are not passed in. Pure functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from zhifa.core.errors import RuleViolation

ART_29 = "行政处罚法第二十九条"
ART_33_FIRST = "行政处罚法第三十三条第一款"


@dataclass(frozen=True)
class Prior:
    """An earlier decision on the same party (any agency)."""

    case_id: int
    number: str  # the decision number, or the case number
    agency: str
    decided_on: dt.date
    act_from: dt.date
    act_to: dt.date | None  # None: a continuing act not yet ended
    power_item: str = ""  # code
    provision: str = ""
    measures: tuple[str, ...] = ()
    fine: Decimal | None = None
    no_penalty_ground: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "number": self.number,
            "agency": self.agency,
            "decided_on": self.decided_on.isoformat(),
            "fine": str(self.fine) if self.fine is not None else None,
        }


@dataclass(frozen=True)
class Act:
    act_from: dt.date
    act_to: dt.date | None
    power_item: str = ""
    provision: str = ""
    extra_provisions: tuple[str, ...] = field(default=())


def _norm(text: str) -> str:
    return "".join((text or "").split()).replace("《", "").replace("》", "")


def same_kind(prior: Prior, act: Act) -> bool:
    if prior.power_item and prior.power_item == act.power_item:
        return True
    mine = {_norm(p) for p in (act.provision, *act.extra_provisions) if _norm(p)}
    return bool(_norm(prior.provision)) and _norm(prior.provision) in mine


def overlaps(a_from: dt.date, a_to: dt.date | None, b_from: dt.date, b_to: dt.date | None) -> bool:
    a_end = a_to or dt.date.max
    b_end = b_to or dt.date.max
    return a_from <= b_end and b_from <= a_end


def same_act(prior: Prior, act: Act) -> bool:
    return same_kind(prior, act) and overlaps(prior.act_from, prior.act_to, act.act_from, act.act_to)


def earlier_fines(priors: Iterable[Prior], act: Act) -> list[Prior]:
    return [p for p in priors if "fine" in p.measures and p.fine and same_act(p, act)]


def check_one_fine(priors: Iterable[Prior], act: Act) -> None:
    """第二十九条: refuse a fine for an act another decision (any agency) has already fined."""
    hits = earlier_fines(priors, act)
    if not hits:
        return
    first = hits[0]
    raise RuleViolation(
        _(
            "The party was already fined for the same act by %(agency)s (decision %(number)s of "
            "%(date)s): one act may be fined only once (%(article)s)."
        )
        % {
            "agency": first.agency,
            "number": first.number,
            "date": first.decided_on.isoformat(),
            "article": ART_29,
        },
        code="fined_twice",
        article=ART_29,
        detail={"earlier": [p.as_dict() for p in hits]},
    )


def check_higher_provision(
    *, chosen: str, chosen_max: Decimal | None, concurrent: Iterable[tuple[str, Decimal | None]]
) -> None:
    """第二十九条第二句: an act that breaks several provisions carrying fines is fined under the one with
    the higher fine. `concurrent` are the other provisions (label, statutory maximum fine in yuan)."""
    mine = chosen_max if chosen_max is not None else Decimal(0)
    higher = [(label, top) for label, top in concurrent if top is not None and top > mine]
    if higher:
        label, top = max(higher, key=lambda pair: pair[1] or Decimal(0))
        raise RuleViolation(
            _(
                "The same act also breaks %(other)s, whose fine (up to %(max)s yuan) is higher: fine "
                "under the provision with the higher amount (%(article)s)."
            )
            % {"other": label, "max": top, "article": ART_29},
            code="lower_provision_chosen",
            article=ART_29,
            detail={"higher": label, "max": str(top), "chosen": chosen},
        )


def earlier_offences(priors: Iterable[Prior], act: Act) -> list[Prior]:
    """Earlier decisions that end 首违: a penalty (any measure) or a 首违不罚 decision for the same kind
    of act, decided before this act began."""
    return [
        p
        for p in priors
        if same_kind(p, act)
        and p.decided_on < act.act_from
        and (p.measures or p.no_penalty_ground == "first_offence")
    ]


def check_first_offence(priors: Iterable[Prior], act: Act) -> None:
    """第三十三条第一款: 首违不罚 only for a first offence."""
    hits = earlier_offences(priors, act)
    if not hits:
        return
    first = hits[0]
    raise RuleViolation(
        _(
            "The party was already dealt with for the same kind of act (decision %(number)s of %(agency)s, "
            "%(date)s): this is not a first offence (%(article)s)."
        )
        % {
            "number": first.number,
            "agency": first.agency,
            "date": first.decided_on.isoformat(),
            "article": ART_33_FIRST,
        },
        code="not_first_offence",
        article=ART_33_FIRST,
        detail={"earlier": [p.as_dict() for p in hits]},
    )
