"""The fields of each step's form on the detail page, and reading a posted form into the payload the
service takes (the same payload as the API)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhifa.law.reconsideration import MEDIATION_CHECKLIST
from zhifa.supervision.appeals import labels


@dataclass(frozen=True)
class F:
    name: str
    label: str | Promise
    kind: str = "text"  # text, textarea, date, int, bool, select, checklist
    required: bool = False
    options: tuple[tuple[str, Any], ...] = ()


ON = F("on", _("Date"), "date")
# A `changed` outcome on an appeal linked to a penalty case: the penalty as changed, applied to the case
# through its `change` event (never heavier, 行政复议法第六十三条第二款、行政诉讼法第七十七条第二款).
CHANGED = (
    F(
        "changed_measures",
        _("If changed: the penalty now"),
        "select",
        False,
        (
            ("", "—"),
            ("warning", _("Warning")),
            ("circular", _("Public reprimand (通报批评)")),
            ("fine", _("Fine")),
        ),
    ),
    F("changed_fine_amount", _("If changed: the fine now (yuan)")),
)
CHECKLIST_LABELS = {
    "voluntary": _("Voluntary"),
    "lawful": _("Lawful"),
    "no_harm_to_public_interest": _("No harm to the public interest"),
    "no_harm_to_others": _("No harm to others' rights"),
}

FIELDS: dict[str, tuple[F, ...]] = {
    "accept": (ON,),
    "refuse": (
        ON,
        F("ground", _("Condition not met"), "select", True, tuple(labels.REFUSAL_GROUNDS)),
        F("reason", _("Reason"), "textarea", True),
        F("competent_organ", _("Competent organ")),
    ),
    "request_amendment": (
        ON,
        F("items", _("What to amend"), "textarea", True),
        F("notice_received_on", _("Notice received on"), "date"),
    ),
    "amend": (ON, F("extension_days", _("Extension granted (working days)"), "int")),
    "abandon": (ON, F("extension_days", _("Extension granted (working days)"), "int")),
    "send_copy": (ON, F("copy_received_on", _("Copy received on"), "date")),
    "answer": (ON, F("summary", _("Answer"), "textarea", True), F("evidence", _("Evidence"), "textarea")),
    "hold_hearing": (
        ON,
        F("notice_served_on", _("Notice served on"), "date", True),
        F("minutes", _("Minutes"), "textarea", True),
    ),
    "extend": (ON, F("days", _("Days"), "int", True), F("reason", _("Reason"), "textarea", True)),
    "suspend": (
        ON,
        F("ground", _("Ground"), "select", True, tuple(labels.SUSPENSION_GROUNDS)),
        F("reason", _("Reason"), "textarea", True),
        F("both_parties_agree", _("Both parties agree"), "bool"),
    ),
    "resume": (ON,),
    "terminate": (
        ON,
        F("ground", _("Ground"), "select", True, tuple(labels.TERMINATION_GROUNDS)),
        F("reason", _("Reason"), "textarea", True),
    ),
    "mediate": (
        ON,
        F("checklist", _("The agreement is"), "checklist"),
        F("signed_by_all_parties", _("Signed by all parties"), "bool"),
        F("sealed", _("Sealed by the organ"), "bool"),
        F("terms", _("Terms"), "textarea", True),
    ),
    "decide": (
        ON,
        F("outcome", _("Outcome"), "select", True, tuple(labels.RECONSIDERATION_OUTCOMES)),
        F("reasons", _("Reasons"), "textarea", True),
        F("third_party_evidence", _("A third party gave evidence"), "bool"),
        *CHANGED,
    ),
    "submit_defence": (ON, F("summary", _("Defence"), "textarea", True)),
    "record_hearing": (
        F("on", _("Held on"), "date"),
        F("appearance", _("Appeared for the agency"), "select", True, tuple(labels.APPEARANCES)),
        F("head_name", _("Head who appeared")),
        F("delegate_name", _("Who appeared instead")),
        F("head_required", _("The head had to appear"), "bool"),
        F("absence_reason", _("Reason for the absence"), "textarea"),
    ),
    "judge": (
        F("on", _("Served on"), "date"),
        F("judgment", _("Judgment"), "select", True, tuple(labels.JUDGMENTS)),
        F("reasons", _("Reasons"), "textarea"),
        *CHANGED,
    ),
    "appeal": (ON, F("appellant", _("Appellant"), required=True)),
    "finalise": (ON,),
    "withdraw": (ON, F("note", _("Note"), "textarea", True)),
    "settle": (ON, F("terms", _("Terms"), "textarea", True)),
}


def parse(event: str, post: QueryDict) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for f in FIELDS.get(event, ()):
        if f.kind == "bool":
            data[f.name] = post.get(f.name) == "on"
        elif f.kind == "checklist":
            data[f.name] = {key: post.get(f"checklist_{key}") == "on" for key in MEDIATION_CHECKLIST}
        else:
            value = post.get(f.name, "").strip()
            if value != "":
                data[f.name] = value
    return data


def render_fields(event: str, values: QueryDict | None) -> list[dict[str, Any]]:
    rows = []
    for f in FIELDS.get(event, ()):
        rows.append(
            {
                "name": f.name,
                "label": f.label,
                "kind": f.kind,
                "required": f.required,
                "options": f.options,
                "value": values.get(f.name, "") if values is not None else "",
                "checklist": [(k, CHECKLIST_LABELS[k]) for k in MEDIATION_CHECKLIST]
                if f.kind == "checklist"
                else [],
            }
        )
    return rows
