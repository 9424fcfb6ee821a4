"""The publication lifecycle of a penalty decision (行政处罚决定公开) as data: scheduled when the
decision is made, then published, withdrawn or exempted. Applied by the shared engine with
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
            "publish",
            PublicationEvent.Kind.PUBLISH.label,
            frozenset({S.SCHEDULED}),
            S.PUBLISHED,
            PUBLISHERS,
            guards=("automatically when the decision is served, or by hand; on time against the deadline",),
        ),
        T(
            "withdraw",
            PublicationEvent.Kind.WITHDRAW.label,
            frozenset({S.SCHEDULED, S.PUBLISHED}),
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
            frozenset({S.SCHEDULED}),
            S.EXEMPT,
            frozenset({Role.APPROVER}),
            guards=("legal ground for not publishing (政府信息公开条例第十四条、第十五条)",),
        ),
    ),
)
