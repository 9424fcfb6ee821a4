"""The documents panel on the case page (through `cases.hooks.register_case_panel`): the decision to
print and hand over (行政处罚法第五十二条: on the spot it is handed to the party at once; 第六十一条:
otherwise served), with its file name as it downloads."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

DECISION_CODES = ("decision", "no_penalty_decision")


def case_panel(request: Any, case: Any) -> str:
    from zhifa.enforcement.documents.api import download_name
    from zhifa.enforcement.documents.selectors import document_list_of_case

    if not case.decision_number:
        return ""
    decisions = [
        d for d in document_list_of_case(user=request.user, case_id=case.pk) if d.code in DECISION_CODES
    ]
    if not decisions:
        return ""
    document = decisions[-1]
    return render_to_string(
        "documents/_case_panel.html",
        # no request: the panel shows nothing of it, and a RequestContext ran every context processor
        # (the navigation, the messages) again for a fragment
        {"document": document, "filename": download_name(document), "case": case},
    )
