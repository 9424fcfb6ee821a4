"""The appeal's periods on the shared deadline engine (`zhifa.foundation.deadlines.services`)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from zhifa.foundation.deadlines import services as engine
from zhifa.law.days import Period
from zhifa.supervision.appeals.models import OBJECT_TYPE, Appeal

ACCEPTANCE_REVIEW = "appeals.acceptance_review"
AMENDMENT = "appeals.amendment"
COPY = "appeals.copy"
ANSWER = "appeals.answer"
DECISION = "appeals.decision"
DEFENCE = "appeals.defence"
APPEAL_WINDOW = "appeals.appeal_window"

LABELS = {
    ACCEPTANCE_REVIEW: _("Acceptance review (行政复议法第三十条)"),
    AMENDMENT: _("Amendment by the applicant (行政复议法第三十一条)"),
    COPY: _("Copy to the respondent (行政复议法第四十八条)"),
    ANSWER: _("Respondent's answer (行政复议法第四十八条)"),
    DECISION: _("Reconsideration decision (行政复议法第六十二条)"),
    DEFENCE: _("Defence in court (行政诉讼法第六十七条)"),
    APPEAL_WINDOW: _("Appeal period (行政诉讼法第八十五条)"),
}
PARTY_WINDOWS = frozenset({AMENDMENT, APPEAL_WINDOW})
# The periods that stand still while a reconsideration is suspended (第三十九条第二款).
SUSPENDABLE = (COPY, ANSWER, DECISION)


def subject(appeal: Appeal) -> engine.Subject:
    # The alert goes to the respondent agency's scope, which the justice bureau's supervisors cover.
    return engine.Subject(OBJECT_TYPE, appeal.pk, appeal.respondent_id)


def open_(appeal: Appeal, kind: str, period: Period, start_on: dt.date) -> None:
    engine.deadline_open(
        subject(appeal), kind=kind, period=period, start_on=start_on, party_window=kind in PARTY_WINDOWS
    )


def resolve(appeal: Appeal, kind: str, on: dt.date, *, resolution: str = "", explanation: str = "") -> None:
    engine.deadline_resolve(subject(appeal), kind=kind, on=on, resolution=resolution, explanation=explanation)


def register_kinds() -> None:
    for kind, label in LABELS.items():
        engine.register_deadline_kind(kind, label)
