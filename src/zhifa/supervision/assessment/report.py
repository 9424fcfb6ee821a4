"""The assessment report (考核情况通报) as a PDF: overall, or for one agency. Modelled on an annual
assessment report: the results with ranks, grades and the change from last year, then one section per
first-level indicator group with its figures, the problems found (points lost, with the assessors'
notes and adjustment reasons) and the rectification requirements.

The report is an official document in Chinese (like the 文书), so its template is written in Chinese
rather than translated. Rendering uses the documents app's PDF service (fonts embedded, no network).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string

from zhifa.enforcement.documents.services import html_pdf
from zhifa.law import assessment as rules
from zhifa.law import jurisdiction
from zhifa.supervision.assessment import figures, ranking, selectors
from zhifa.supervision.assessment.models import LeafScore, Participant, Round, SetNode
from zhifa.supervision.stats.charts import bar_chart


@dataclass
class Problem:
    agency: str
    agency_id: int
    node: SetNode
    score: Decimal
    note: str
    figure: str


@dataclass
class GroupSection:
    node: SetNode
    rows: list[tuple[str, Decimal | None]] = field(default_factory=list)  # (agency, points in the group)
    problems: list[Problem] = field(default_factory=list)
    chart: str = ""


def _problems(rnd: Round, agency_ids: set[int] | None) -> list[Problem]:
    out = []
    qs = LeafScore.objects.filter(participant__round=rnd).select_related("node", "participant__agency")
    if agency_ids is not None:
        qs = qs.filter(participant__agency_id__in=agency_ids)
    for leaf in qs.order_by("participant__agency__path", "node__order"):
        final = leaf.final_score
        if final is None or final >= leaf.node.points:
            continue
        note = "；".join(x for x in (leaf.assessor_note, leaf.adjust_reason) if x) or leaf.node.criteria
        out.append(
            Problem(
                agency=leaf.participant.agency.name,
                agency_id=leaf.participant.agency_id,
                node=leaf.node,
                score=final,
                note=note,
                figure=figures.value_text(leaf) if leaf.node.computed else "",
            )
        )
    return out


def context(rnd: Round, *, agency_id: int | None = None) -> dict[str, Any]:
    rows = ranking.results(rnd)
    groups = [n for n in selectors.set_nodes(rnd.indicator_set) if n.parent_id is None]
    wanted = None if agency_id is None else {agency_id}
    problems = _problems(rnd, wanted)
    sections = []
    for g in groups:
        section = GroupSection(node=g)
        shown = [r for r in rows if wanted is None or r.agency_id in wanted]
        section.rows = [(r.name, r.groups.get(g.code)) for r in shown]
        section.problems = [p for p in problems if p.node.code.split(".", 1)[0] == g.code]
        if agency_id is None:
            section.chart = bar_chart(
                [(r.name, int(r.groups.get(g.code, Decimal(0)))) for r in shown], title=f"{g.code} {g.name}"
            )
        sections.append(section)
    # a leaf scoring under the bureau's share of its points (default 60 %) needs rectification
    share = Decimal(jurisdiction.applied(rules.RECTIFY_BELOW_SHARE.key, agency=rnd.bureau).value)
    rectify = [p for p in problems if p.score < p.node.points * share]
    late = [r for r in rows if r.late and (wanted is None or r.agency_id in wanted)]
    return {
        "rnd": rnd,
        "rows": rows,
        "focus": None if agency_id is None else next((r for r in rows if r.agency_id == agency_id), None),
        "sections": sections,
        "rectify": rectify,
        "late": late,
        "rule": ranking.RANKING_RULE_TEXT,
        "chart": bar_chart([(r.name, int(r.total)) for r in rows], title="总分"),
        "previous": ranking.previous_round(rnd),
    }


def round_pdf(rnd: Round, *, participant: Participant | None = None) -> bytes:
    ctx = context(rnd, agency_id=None if participant is None else participant.agency_id)
    html = render_to_string("assessment/report.html", ctx)
    title = rnd.name if participant is None else f"{rnd.name} {participant.agency.name}"
    return html_pdf(html, title=title)
