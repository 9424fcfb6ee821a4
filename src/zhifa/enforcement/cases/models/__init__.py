from zhifa.enforcement.cases.models.case import (
    FINISHED_STATES,
    OPEN_STATES,
    Case,
    PartyKind,
    PaymentChannel,
    Procedure,
    ServiceMethod,
    Source,
    State,
)
from zhifa.enforcement.cases.models.history import (
    AppendOnlyError,
    CaseDeadline,
    CaseEvent,
    CaseOfficer,
    DeadlineKind,
    LegalReviewCatalogueEntry,
    Resolution,
)

__all__ = [
    "FINISHED_STATES",
    "OPEN_STATES",
    "AppendOnlyError",
    "Case",
    "CaseDeadline",
    "CaseEvent",
    "CaseOfficer",
    "DeadlineKind",
    "LegalReviewCatalogueEntry",
    "PartyKind",
    "PaymentChannel",
    "Procedure",
    "Resolution",
    "ServiceMethod",
    "Source",
    "State",
]
