"""Cases in the shared full-text index (zhifa.core.search, kind "case"). Called inside the service
transaction that changes the searchable text, so the index commits or rolls back with the case."""

from __future__ import annotations

from zhifa.core import search
from zhifa.enforcement.cases.models import Case

KIND = "case"


def case_title(case: Case) -> str:
    return " ".join(p for p in (case.number, case.decision_number, case.party_name) if p)


def case_body(case: Case) -> str:
    item = ""
    if case.power_version_id is not None and case.power_version is not None:
        item = f"{case.power_item.code if case.power_item else ''} {case.power_version.name}"
    return "\n".join(p for p in (case.facts, case.location, item) if p)


def index_case(case: Case) -> None:
    search.search_index(
        kind=KIND, object_id=case.pk, agency_id=case.agency_id, title=case_title(case), body=case_body(case)
    )
