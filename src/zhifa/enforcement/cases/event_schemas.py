"""One request schema per case workflow event, discriminated by `event` (shared/API.md, docs/api.md).

Built from the event forms' field table (`event_forms.EVENT_FIELDS`) and each transition's date field,
so the page, the API and the OpenAPI name the same fields. Unknown fields are refused (400
`unknown_field`, core.api); the values are checked by the service as before (a missing or malformed
field is a translated 400 naming it), so types here are as loose as the service accepts: dates are
strings in YYYY-MM-DD (documented as `format: date`), money a decimal string or a number.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, create_model

from zhifa.enforcement.cases import workflow
from zhifa.enforcement.cases.event_forms import CHECKLIST_LABELS, EVENT_FIELDS, F

INT64 = Field(ge=-(2**63), le=2**63 - 1)


class StrictIn(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LegalReviewChecklist(StrictIn):
    """The nine points of a legal review (行政处罚法第五十八条; shared/API.md), each true or false."""

    authority: bool | None = None
    officers_qualified: bool | None = None
    procedure: bool | None = None
    facts_clear: bool | None = None
    evidence_sufficient: bool | None = None
    law_applied: bool | None = None
    discretion: bool | None = None
    within_power: bool | None = None
    documents: bool | None = None


class LegalReviewChecklistNotes(StrictIn):
    """Why a point was answered "no" (required for each such point)."""

    authority: Annotated[str, Field(max_length=500)] | None = None
    officers_qualified: Annotated[str, Field(max_length=500)] | None = None
    procedure: Annotated[str, Field(max_length=500)] | None = None
    facts_clear: Annotated[str, Field(max_length=500)] | None = None
    evidence_sufficient: Annotated[str, Field(max_length=500)] | None = None
    law_applied: Annotated[str, Field(max_length=500)] | None = None
    discretion: Annotated[str, Field(max_length=500)] | None = None
    within_power: Annotated[str, Field(max_length=500)] | None = None
    documents: Annotated[str, Field(max_length=500)] | None = None


assert set(LegalReviewChecklist.model_fields) == set(CHECKLIST_LABELS), "checklist keys drifted"
assert set(LegalReviewChecklistNotes.model_fields) == set(CHECKLIST_LABELS), "checklist keys drifted"

DATE = Annotated[str, Field(json_schema_extra={"format": "date"}, max_length=10)]
MONEY = Annotated[str | int | float, Field(description='yuan, a decimal string such as "200.00"')]
ID = Annotated[int, Field(ge=1, le=2**63 - 1)]


class InstalmentIn(StrictIn):
    """One instalment of a plan (行政处罚法第六十六条第二款)."""

    due_on: Annotated[str, Field(json_schema_extra={"format": "date"}, max_length=10)]
    amount: Annotated[str | int | float, Field(description='yuan, a decimal string such as "500.00"')]


def _type(f: F) -> Any:
    if f.name == "schedule":  # a list of instalments, or the page's "YYYY-MM-DD amount" lines
        return list[InstalmentIn] | Annotated[str, Field(max_length=20000)]
    if f.kind == "date":
        return DATE
    if f.kind == "money":
        return MONEY
    if f.kind == "int":
        return Annotated[int, INT64]
    if f.kind == "bool":
        return bool
    if f.kind == "checklist":
        return LegalReviewChecklist
    if f.kind == "checklist_notes":
        return LegalReviewChecklistNotes
    if f.kind == "multi":
        return list[ID] if f.name.endswith("_ids") else list[str]
    if f.name.endswith("_id") or f.name in ("presided_by", "document"):
        return ID
    return Annotated[str, Field(max_length=20000)]


# Fields the services read beyond the page forms (shared/API.md).
NOTES = F("checklist_notes", "why each point answered no is not satisfied", "checklist_notes")
EXTRA_FIELDS: dict[str, tuple[F, ...]] = {
    "approve_legal_review": (NOTES,),
    "return_legal_review": (NOTES,),
    "decide_on_spot": (
        F("tier", "discretion tier", "text"),
        F("discretion_reason", "reason for departing from the tier", "textarea"),
        F("mitigation_ground", "mitigation ground", "text"),
        F("single_officer_basis", "the law allowing one officer alone", "text"),
        F("leniency_reason", "how the penalty was made lighter for a minor (art. 30)", "textarea"),
    ),
}


def _class_name(event: str) -> str:
    return "Case" + "".join(part.capitalize() for part in event.split("_")) + "Event"


def _model(t: workflow.Transition) -> type[BaseModel]:
    fields: dict[str, Any] = {"event": (Literal[t.event], ...)}  # type: ignore[valid-type]
    for f in (*EVENT_FIELDS.get(t.event, ()), *EXTRA_FIELDS.get(t.event, ())):
        fields[f.name] = (_type(f) | None, Field(None, description=str(f.label)))
    if t.date_field and t.date_field not in fields:
        fields[t.date_field] = (DATE | None, Field(None, description="the real-world date of the act"))
    model = create_model(  # type: ignore[call-overload]
        _class_name(t.event), __base__=StrictIn, __doc__=f"The `{t.event}` event: {t.label}", **fields
    )
    return model  # type: ignore[no-any-return]


EVENT_MODELS: dict[str, type[BaseModel]] = {
    t.event: _model(t) for t in workflow.TABLE if t.event != "register"
}

CaseEventIn = Annotated[Union[tuple(EVENT_MODELS.values())], Field(discriminator="event")]  # type: ignore[valid-type]  # noqa: UP007
