"""Hearing rules the case workflow checks besides the notice and the presider's independence
(`law.penalty`): 行政处罚法第六十四条第（四）项 — the party may ask the presider to step aside for a
direct interest, and a hearing is not held by a presider whose recusal was granted; 第六十四条第（八）项 —
the record is signed (or sealed) by the party, or the refusal to sign is noted in it; 第六十三条 — a
confiscation is proposed with its value, because a large value gives the party the right to a hearing
(an unknown value must not quietly deny it)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from zhifa.core.errors import InvalidInput, RuleViolation

ART_64_4 = "行政处罚法第六十四条第（四）项"
ART_64_8 = "行政处罚法第六十四条第（八）项"
ART_63 = "行政处罚法第六十三条第一款第（二）项"
CHALLENGE_DECISIONS = ("refused", "granted")
MIN_NOTE_CHARS = 2


def check_presider_challenge(*, challenged: bool, decision: str | None) -> None:
    """A challenge to the presider is decided before the hearing goes on; if granted, this presider
    may not hold it."""
    if not challenged:
        return
    if decision not in CHALLENGE_DECISIONS:
        raise InvalidInput(
            _("Record the decision on the party's request that the presider step aside."),
            detail={"field": "challenge_decision"},
        )
    if decision == "granted":
        raise RuleViolation(
            _("The presider's recusal was granted; another presider must hold the hearing (%(article)s).")
            % {"article": ART_64_4},
            code="presider_recused",
            article=ART_64_4,
            detail={"field": "presided_by"},
        )


def check_record_signed(*, signed: bool, refusal_note: str) -> None:
    """第六十四条第（八）项: the party signs the record, or the presider notes the refusal in it."""
    if signed or len(refusal_note.strip()) >= MIN_NOTE_CHARS:
        return
    raise RuleViolation(
        _("The hearing record must be signed by the party, or the refusal to sign noted in it (%(article)s).")
        % {"article": ART_64_8},
        code="hearing_record_unsigned",
        article=ART_64_8,
        detail={"field": "record_signed"},
    )


def check_confiscation_value(*, confiscating: bool, value: Decimal | None) -> None:
    """第六十三条: without the value of what is confiscated nobody can tell whether the party may ask for
    a hearing."""
    if confiscating and value is None:
        raise RuleViolation(
            _("A confiscation is proposed with the value of what is confiscated (%(article)s).")
            % {"article": ART_63},
            code="confiscation_without_value",
            article=ART_63,
            detail={"field": "confiscation_value"},
        )
