"""Every built-in 文书 template, filled from a real case file for an individual and for an
organisation, read back from the PDF (pypdf): no placeholder renders empty, the party is addressed as
你 or 你单位 (never the form-letter "你（单位）"), no sentence has a hole ("违反了的规定"), and each
form keeps to its pages (法制审核意见书 on one sheet)."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.template.base import VariableNode
from pypdf import PdfReader

from zhifa.enforcement.cases.factories import advance, register
from zhifa.enforcement.cases.models import CaseEvent, State
from zhifa.enforcement.cases.tests.builders import PERSON
from zhifa.enforcement.documents import catalogue, context, rendering
from zhifa.enforcement.documents.services import sample_context

pytestmark = pytest.mark.django_db

# Parts a case on the plain path does not have (a hearing, a seizure, what an officer types into a
# 笔录): taken from the sample data, everything else from the real file.
SAMPLE_PARTS = {
    "hearing_notice": ("hearing", "notice"),
    "hearing_record": ("hearing",),
    "inspection_record": ("inputs",),
    "inquiry_record": ("inputs",),
    "rectification_order": ("inputs",),
    "preservation_notice": ("inputs", "seizure"),
    "seizure_decision": ("seizure",),
    "seizure_extension": ("seizure", "extension"),
    "seizure_disposition": ("seizure", "disposition"),
    "deliberation_record": ("deliberation",),
    "legal_review_opinion": ("legal_review",),
    "dossier_index": ("dossier",),
    "proof_of_service": ("service",),
    "no_penalty_decision": ("no_penalty",),
    "reminder": ("payment",),
    "judicial_transfer": ("transfer",),
}
MAX_PAGES = {"decision": 2, "prior_notice": 2, "dossier_index": 2}
HOLES = ("违反了的规定", "依据的规定", "于在", "在，", "：。", "（）", "“”", "，，", "你（单位）")
INPUTS = {
    "started_at": "2025-05-06T09:00",
    "ended_at": "2025-05-06T09:40",
    "place": "建设路与人民路交叉口",
    "present": "当事人委托人王某",
    "recorder": "执法人员甲",
    "findings": "现场路面开挖约20平方米，未见挖掘许可。",
    "person": "王某",
    "relation": "当事人委托人",
    "qa": [{"q": "是否经过批准？", "a": "没有。"}],
    "transcript": "问：是否经过批准？答：没有。",
    "deadline": "2025-05-20",
    "requirement": "恢复路面原状",
    "items": "挖掘机一台",
}


@pytest.fixture
def files(kit) -> dict[str, Any]:
    """One archived ordinary case per party kind, through the real workflow."""
    out = {}
    start = dt.date(2025, 5, 6)
    for kind, over in (("organisation", {}), ("person", {"party": {**PERSON, "address": "海州市建设路2号"}})):
        case = register(kit, discovered_on="2025-05-05", occurred_on="2025-05-01", **over)
        out[kind] = advance(kit, case, State.ARCHIVED, start=start)
    return out


def _context(case: Any, code: str, kind: str) -> dict[str, Any]:
    event = CaseEvent.objects.filter(case=case, name__in=catalogue.kind(code).generated_by).last()
    data = context.build(
        case,
        code=code,
        title=catalogue.kind(code).title,
        number=f"测城管{catalogue.kind(code).number_word}〔2025〕1号",
        date=case.archived_on,
        event=event,
        inputs=INPUTS,
    )
    sample = sample_context(code, party_kind=kind)
    for part in SAMPLE_PARTS.get(code, ()):
        data[part] = sample[part] if part != "inputs" else INPUTS
    if code == "legal_review_opinion":  # all nine points, as a real review has them: still one sheet
        data["legal_review"] = {
            **data["legal_review"],
            "opinion": "经审核，本案事实清楚，证据确实充分，适用法律正确，程序合法，裁量适当，同意拟处罚意见。",
            "checklist": [
                {"item": label, "ok": True, "note": ""} for label in context.CHECKLIST_LABELS.values()
            ],
        }
    return data


def _render(code: str, data: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> tuple[str, int, list[str]]:
    empty: list[str] = []
    original = VariableNode.render

    def spy(self: VariableNode, ctx: Any) -> str:
        out = original(self, ctx)
        # a fill-in line (default_blank) is meant to be written on by hand, not a gap
        if not str(out).strip() and "default_blank" not in self.filter_expression.token:
            empty.append(self.filter_expression.token)
        return out

    monkeypatch.setattr(VariableNode, "render", spy)
    rendered = rendering.render_pdf(catalogue.builtin_body(code), data, title=code)
    monkeypatch.setattr(VariableNode, "render", original)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(rendered.pdf)).pages)
    return re.sub(r"\s+", "", text), rendered.pages, empty


@pytest.mark.parametrize("kind", ["person", "organisation"])
def test_every_template_reads_right_for_the_party(files, kind, monkeypatch) -> None:
    case = files[kind]
    faults = []
    for k in catalogue.KINDS:
        text, pages, empty = _render(k.code, _context(case, k.code, kind), monkeypatch)
        if empty:
            faults.append(f"{k.code}: empty placeholder(s) {empty}")
        faults += [f"{k.code}: “{hole}”" for hole in HOLES if hole in text]
        if kind == "person" and "你单位" in text:
            faults.append(f"{k.code}: 你单位 addressed to an individual")
        # a 询问笔录 addresses the person questioned, who is an individual whatever the party is
        if kind == "organisation" and k.code != "inquiry_record" and re.search(r"你(?!单位)", text):
            faults.append(f"{k.code}: 你 addressed to an organisation")
        if pages > MAX_PAGES.get(k.code, 1):
            faults.append(f"{k.code}: {pages} pages")
        if case.party_name not in text and k.code not in (
            "dossier_index",
            "inspection_record",
            "inquiry_record",
        ):
            faults.append(f"{k.code}: the party's name is missing")
    assert not faults, "\n".join(faults)


def test_the_check_catches_a_hole(files, monkeypatch) -> None:
    """The test above can fail: a template missing its violated provision is caught."""
    data = _context(files["person"], "decision", "person")
    data["power"] = {**data["power"], "violated_provision": ""}
    body = catalogue.builtin_body("decision").replace("{% if power.violated_provision %}", "{% if True %}")
    rendered = rendering.render_pdf(body, data, title="x")
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(rendered.pdf)).pages))
    assert "违反了的规定" in text
