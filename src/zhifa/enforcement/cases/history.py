"""The case history as people read it: each event's recorded payload turned into labelled Chinese
lines (no `officers: [{'id': 5…}]`, no `amount_class: within_tier`). The payload itself stays as
recorded (append-only); only its presentation is here. Other apps that add payload keys register their
labels with `register_labels`; a key without a label is shown under a neutral heading, never as code."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhifa.enforcement.cases import event_forms
from zhifa.enforcement.cases.models import DeadlineKind, PartyKind, PaymentChannel, ServiceMethod, Source

LABELS: dict[str, str | Promise] = {
    "source": _("Source"),
    "procedure": _("Procedure"),
    "party_kind": _("Party kind"),
    "party_name": _("Party"),
    "party": _("Party"),
    "power_item": _("Power item"),
    "power_version": _("Power item version"),
    "occurred_on": _("Act occurred on"),
    "limitation_ends_on": _("Limitation period ends"),
    "reason": _("Reason"),
    "number": _("Case number"),
    "officers": _("Handling officers"),
    "items": _("Items preserved"),
    "decision": _("Decision on the items"),
    "tier": _("Discretion tier"),
    "reasons": _("Reasons"),
    "measures": _("Measures"),
    "catalogue": _("Legal review catalogue"),
    "fine_amount": _("Fine (yuan)"),
    "amount_class": _("Against the tier"),
    "hearing_eligible": _("Hearing right"),
    "hearing_grounds": _("Hearing grounds"),
    "legal_review_grounds": _("Legal review grounds"),
    "deliberation_required": _("Collective deliberation required"),
    "permitted_range": _("Permitted range (yuan)"),
    "required": _("Required by law"),
    "article": _("Legal basis"),
    "checklist": _("Checklist"),
    "opinion": _("Opinion"),
    "hearing_right": _("Hearing right"),
    "statement_days": _("Days for statement and defence"),
    "amount": _("Amount (yuan)"),
    "cash_ground": _("Ground for on-the-spot collection"),
    "channel": _("Channel"),
    "outstanding": _("Outstanding (yuan)"),
    "receipt_no": _("Receipt number"),
    "surcharge": _("Late surcharge (yuan)"),
    "accepted": _("Statement accepted"),
    "content": _("What the party stated"),
    "rights": _("Rights waived"),
    "decision_number": _("Decision number"),
    "summary": _("Closing report"),
    "late": _("Served late"),
    "method": _("Method"),
    "receipt": _("Proof of service"),
    "minutes": _("Minutes"),
    "conclusion": _("Conclusion"),
    "participants": _("Participants"),
    "single_officer_basis": _("Basis for one officer"),
    "discretion_reason": _("Reason for departing from the tier"),
    "mitigation_ground": _("Mitigation ground"),
    "ground": _("Ground"),
    "days": _("Days"),
    "court": _("Court"),
    "explanation": _("Explanation"),
    "kind": _("Deadline"),
    "requested_by": _("Requested by"),
    "granted": _("Recusal granted"),
    "officer": _("Officer"),
    "presided_by": _("Presided by"),
    "record": _("Hearing record"),
    "party_absent": _("The party did not attend"),
    "instalments": _("In instalments"),
    "consent": _("Consent to electronic service"),
    "revision_reason": _("Why the proposal was revised"),
    "base_amount": _("Base amount (yuan)"),
    "confiscation_value": _("Value to confiscate (yuan)"),
}

AMOUNT_CLASSES: dict[str, str | Promise] = {
    "within_tier": _("within the tier"),
    "outside_tier_within_law": _("outside the tier, within the law"),
    "below_legal_minimum": _("below the statutory minimum (mitigated)"),
    "above_legal_maximum": _("above the statutory maximum"),
    "no_statutory_range": _("no statutory range"),
}
HEARING_GROUNDS: dict[str, str | Promise] = {
    "large_fine": _("large fine (art. 63 (1))"),
    "large_confiscation": _("large confiscation (art. 63 (2))"),
    "revocation": _("revocation of a licence (art. 63 (3))"),
    "suspension": _("suspension or closure (art. 63 (4))"),
    "other_heavy_penalty": _("other heavy penalty (art. 63 (6))"),
}
REVIEW_GROUNDS: dict[str, str | Promise] = {
    "major_public_interest": _("major public interest (art. 58 (1))"),
    "hearing_held": _("after a hearing (art. 58 (2))"),
    "difficult_case": _("difficult, several legal relations (art. 58 (3))"),
    "required_by_law": _("required by law (art. 58 (4))"),
    "catalogue": _("the agency's legal review catalogue"),
}
PROCEDURES: dict[str, str | Promise] = {"ordinary": _("Ordinary procedure"), "simple": _("Simple procedure")}

# Values coded as a choice: the key's choices.
CHOICES: dict[str, dict[str, str | Promise]] = {
    "source": dict(Source.choices),
    "procedure": PROCEDURES,
    "party_kind": dict(PartyKind.choices),
    "measures": dict(event_forms.MEASURES),
    "amount_class": AMOUNT_CLASSES,
    "hearing_grounds": HEARING_GROUNDS,
    "legal_review_grounds": REVIEW_GROUNDS,
    "channel": dict(PaymentChannel.choices),
    "cash_ground": dict(event_forms.CASH_GROUNDS),
    "rights": dict(event_forms.RIGHTS),
    "method": dict(ServiceMethod.choices),
    "mitigation_ground": dict(event_forms.MITIGATION),
    "ground": dict(event_forms.NO_PENALTY),
    "kind": dict(DeadlineKind.choices),
    "requested_by": dict(event_forms.REQUESTED_BY),
}
FORMATTERS: dict[str, Callable[[Any], str]] = {}


def register_labels(
    labels: dict[str, str | Promise],
    *,
    choices: dict[str, dict[str, str | Promise]] | None = None,
    formatters: dict[str, Callable[[Any], str]] | None = None,
) -> None:
    """For apps and events that record more payload keys: their headings, coded values and formats."""
    LABELS.update(labels)
    CHOICES.update(choices or {})
    FORMATTERS.update(formatters or {})


def _yes_no(value: bool) -> str:
    return gettext("yes") if value else gettext("no")


def _money(value: Any) -> str:
    try:
        return f"{Decimal(str(value)):,.2f}"
    except (InvalidOperation, ValueError):
        return str(value)


def _value(key: str, value: Any) -> str:
    if key in FORMATTERS:
        return FORMATTERS[key](value)
    if isinstance(value, bool):
        return _yes_no(value)
    coded = CHOICES.get(key)
    if coded is not None:
        items = value if isinstance(value, list) else [value]
        return "、".join(str(coded.get(str(v), v)) for v in items if v not in (None, ""))
    if key == "permitted_range" and isinstance(value, list | tuple) and len(value) == 2:
        low, high = (_money(v) if v not in (None, "") else "…" for v in value)
        return f"{low} – {high}"
    if key in ("fine_amount", "amount", "outstanding", "surcharge", "base_amount", "confiscation_value"):
        return _money(value)
    if key == "checklist" and isinstance(value, dict):
        yes = [str(event_forms.CHECKLIST_LABELS.get(k, k)) for k, v in value.items() if v]
        no = [str(event_forms.CHECKLIST_LABELS.get(k, k)) for k, v in value.items() if not v]
        parts = []
        if yes:
            parts.append(gettext("confirmed: %(points)s") % {"points": "、".join(yes)})
        if no:
            parts.append(gettext("not confirmed: %(points)s") % {"points": "、".join(no)})
        return "；".join(parts)
    if isinstance(value, dict):
        if "value" in value and ("basis" in value or "key" in value):  # an applied jurisdiction setting
            basis = value.get("basis") or ""
            return f"{value['value']}（{basis}）" if basis else str(value["value"])
        if "name" in value:
            return _person(value)
        return "；".join(
            f"{LABELS.get(k, k)}：{_value(k, v)}" for k, v in value.items() if v not in (None, "")
        )
    if isinstance(value, list):
        return "、".join(_person(v) if isinstance(v, dict) else _value(key, v) for v in value)
    return str(value)


def _person(value: dict[str, Any]) -> str:
    name = str(value.get("name") or "")
    credential = value.get("credential") or value.get("credential_number")
    return f"{name}（{credential}）" if credential else name


def payload_lines(payload: dict[str, Any]) -> list[dict[str, str]]:
    """[{"label", "text"}] for the payload's non-empty values, in the order recorded."""
    lines = []
    for key, value in payload.items():
        if value in (None, "", [], {}):
            continue
        label = LABELS.get(key)
        lines.append({"label": str(label) if label else gettext("Other detail"), "text": _value(key, value)})
    return lines
