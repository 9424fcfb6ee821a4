"""A decision not to penalise (不予行政处罚决定) stands on a ground from a closed list:

| ground | article |
|---|---|
| `minor_corrected` — minor, promptly corrected, no harm | 行政处罚法第三十三条第一款前段 |
| `first_offence` — first minor violation, corrected (首违不罚) | 第三十三条第一款后段 |
| `no_fault` — the party proved it was not at fault | 第三十三条第二款 |
| `facts_not_established` — the facts are not established | 第五十七条第一款第（三）项 |
| `under_age` — under fourteen on the day of the act | 第三十条 |
| `incapacity` — could not recognise or control the act | 第三十一条 |
| `limitation` — not discovered within the limitation period | 第三十六条 |

`under_age` and `incapacity` carry the order to the guardian (责令监护人加以管教 / 严加看管和治疗);
`under_age` is refused only when the recorded age shows the party was fourteen or older (an unknown
age does not block it, `law.capacity`). Every no-penalty decision also carries the education of the
party (第三十三条第三款), which the reason records.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.law.capacity import ART_30, AgeBand, guardian_order_required
from zhifa.law.penalty import NoPenaltyGround

ART_33 = "行政处罚法第三十三条"
# 第三十三条第一款: minor and corrected, or a first offence — the two grounds a 免罚清单 line names.
ART_33_1 = "行政处罚法第三十三条第一款"
ARTICLE_OF = {
    NoPenaltyGround.MINOR_CORRECTED: ART_33_1,
    NoPenaltyGround.FIRST_OFFENCE: ART_33_1,
    NoPenaltyGround.NO_FAULT: "行政处罚法第三十三条第二款",
    NoPenaltyGround.FACTS_NOT_ESTABLISHED: "行政处罚法第五十七条第一款第（三）项",
    NoPenaltyGround.UNDER_AGE: "行政处罚法第三十条",
    NoPenaltyGround.INCAPACITY: "行政处罚法第三十一条",
    NoPenaltyGround.LIMITATION: "行政处罚法第三十六条",
}


def check_no_penalty_ground(*, ground: str | None, band: AgeBand, guardian_order: str) -> str:
    """The ground is one of the closed list and fits the record; returns the article it rests on."""
    if not ground:
        raise RuleViolation(
            _(
                "A decision not to penalise must name its ground: articles 30, 31, 33, 36 or 57 of the "
                "Administrative Penalty Law (%(article)s)."
            )
            % {"article": ART_33},
            code="no_penalty_ground_required",
            article=ART_33,
        )
    try:
        g = NoPenaltyGround(ground)
    except ValueError:
        raise InvalidInput(_("Unknown ground."), detail={"field": "ground"}) from None
    if g == NoPenaltyGround.UNDER_AGE and band in (AgeBand.MINOR, AgeBand.ADULT):
        raise RuleViolation(
            _(
                "The party was fourteen or older on the day of the act; the under-fourteen ground does not apply (%(article)s)."
            )
            % {"article": ART_30},
            code="not_under_14",
            article=ART_30,
        )
    article = guardian_order_required(g)
    if article and not (guardian_order or "").strip():
        raise RuleViolation(
            _(
                "A decision not to penalise on this ground orders the guardian to act: record the order (%(article)s)."
            )
            % {"article": article},
            code="guardian_order_required",
            article=article,
            detail={"field": "guardian_order"},
        )
    return ARTICLE_OF[g]
