"""The publication lifecycle of a penalty decision (行政处罚决定公开) as data: scheduled when the
decision is made; prepared by an officer (the masked text checked, edited if needed); reviewed and
published by the approver — or returned, exempted, withdrawn. Nothing is published automatically. Applied by the shared engine with
`services.PublicationWorkflow`; `docs/workflow-publication.md` is drawn from this table.

Scheduling is not a row: it creates the record (from the cases listener), there is no state before it.
"""

from __future__ import annotations

from zhifa.core import workflow
from zhifa.law import disclosure as law
from zhifa.org.roles import Role
from zhifa.public.portal.models import PublicationEvent, PublishedDecision

S = PublishedDecision.State
PUBLISHERS = frozenset({Role.OFFICER, Role.APPROVER, Role.LEGAL_REVIEWER})

T = workflow.Transition
TABLE = workflow.Table(
    S.values,
    (
        T(
            "prepare",
            PublicationEvent.Kind.PREPARE.label,
            frozenset({S.SCHEDULED}),
            S.PREPARED,
            frozenset({Role.OFFICER, Role.APPROVER}),
            guards=(
                "after the decision was served on the party",
                "the masked text, edited if needed, masked again (行政处罚法第五十条)",
            ),
        ),
        T(
            "return",
            PublicationEvent.Kind.RETURN.label,
            frozenset({S.PREPARED}),
            S.SCHEDULED,
            frozenset({Role.APPROVER}),
            guards=("what to correct",),
        ),
        T(
            "publish",
            PublicationEvent.Kind.PUBLISH.label,
            frozenset({S.PREPARED}),
            S.PUBLISHED,
            frozenset({Role.APPROVER}),
            guards=(
                "by the approver, who confirms the masking; never automatically",
                "on time against the deadline; an overdue alert is raised daily while unpublished",
            ),
        ),
        T(
            "withdraw",
            PublicationEvent.Kind.WITHDRAW.label,
            frozenset({S.SCHEDULED, S.PREPARED, S.PUBLISHED}),
            S.WITHDRAWN,
            PUBLISHERS,
            guards=(
                "ground: the decision was changed, revoked, confirmed illegal or void; public reason "
                "(行政处罚法第四十八条第二款)",
                f"within {law.WITHDRAWAL_PERIOD.days} working days of the change (行政处罚法第八十五条); late is recorded",
            ),
        ),
        T(
            "exempt",
            PublicationEvent.Kind.EXEMPT.label,
            frozenset({S.SCHEDULED, S.PREPARED}),
            S.EXEMPT,
            frozenset({Role.APPROVER}),
            guards=("legal ground for not publishing (政府信息公开条例第十四条、第十五条)",),
        ),
    ),
)
