"""The procedure diagram (运行流程图) of the power list, drawn as SVG from the case workflow table
(zhifa.enforcement.cases.workflow.TABLE): the very table the services apply, so the published diagram
cannot drift from what the software enforces.

Layout: the main path of a procedure as a column of boxes joined by the event that moves the case on;
beside each box, the other ways out of that state (legal review, hearing, no penalty, termination …).
Events that leave the state unchanged (a payment instalment, an extension) are not drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from zhifa.enforcement.cases import workflow
from zhifa.enforcement.cases.models import Procedure, State

MAIN_PATHS: dict[str, tuple[str, ...]] = {
    Procedure.ORDINARY: (
        State.REGISTERED,
        State.INVESTIGATING,
        State.PROPOSED,
        State.NOTIFIED,
        State.DECIDED,
        State.SERVED,
        State.EXECUTED,
        State.CLOSED,
        State.ARCHIVED,
    ),
    Procedure.SIMPLE: (
        State.REGISTERED,
        State.DECIDED,
        State.SERVED,
        State.EXECUTED,
        State.CLOSED,
        State.ARCHIVED,
    ),
}
# States every open case can reach (terminate, suspend …): one note instead of an arrow from each box.
COMMON_TARGETS = frozenset({State.TERMINATED})


@dataclass(frozen=True)
class Step:
    state: str
    label: str
    forward: list[str]  # labels of the events leading to the next box
    sides: list[tuple[str, str]]  # (event label, target state label)


def steps(procedure: str) -> list[Step]:
    main = MAIN_PATHS[procedure]
    labels = dict(State.choices)
    out = []
    for i, state in enumerate(main):
        nxt = main[i + 1] if i + 1 < len(main) else None
        forward: list[str] = []
        sides: list[tuple[str, str]] = []
        for t in workflow.TABLE:
            if procedure not in t.procedures or state not in t.sources:
                continue
            for target in t.possible_targets(state):
                if target == state or target in COMMON_TARGETS:
                    continue
                if target == nxt:
                    forward.append(str(t.label))
                elif target not in main[: i + 1]:  # a way out, not a step back along the path
                    sides.append((str(t.label), str(labels.get(target, target))))
        out.append(Step(state, str(labels.get(state, state)), forward, sorted(set(sides))))
    if procedure == Procedure.ORDINARY:
        # The loops back (legal review returns, hearing held) are the sides of their own states.
        for loop in (State.LEGAL_REVIEW, State.HEARING_REQUESTED):
            back = [
                (str(t.label), str(labels.get(target, target)))
                for t in workflow.TABLE
                if procedure in t.procedures and loop in t.sources
                for target in t.possible_targets(loop)
                if target not in (loop, *COMMON_TARGETS)
            ]
            out.append(Step(loop, str(labels[loop]), [], sorted(set(back))))
    return out


def procedure_svg(procedure: str, *, title: str, note: str) -> SafeString:
    """A column of the main path with side notes; `note` (translated) says what every open state may do."""
    items = steps(procedure)
    main_len = len(MAIN_PATHS[procedure])
    box_w, box_h, gap, x0 = 170, 34, 30, 10
    side_x = x0 + box_w + 24
    row_h = [box_h + gap + max(0, len(s.sides) - 1) * 16 for s in items]
    height = sum(row_h) + 40
    width = 720
    parts = [
        f'<svg class="chart flow" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        '<defs><marker id="arr" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#1d4ed8"/></marker></defs>',
    ]
    y = 10
    for i, step in enumerate(items):
        loop = i >= main_len
        fill = "#f5f6f7" if loop else "#eef2ff"
        parts.append(
            f'<rect x="{x0}" y="{y}" width="{box_w}" height="{box_h}" rx="6" fill="{fill}" stroke="#1d4ed8"/>'
            f'<text x="{x0 + box_w / 2}" y="{y + 22}" text-anchor="middle" font-size="13" fill="#1f2329">'
            f"{escape(step.label)}</text>"
        )
        for j, (event, target) in enumerate(step.sides):
            parts.append(
                f'<text x="{side_x}" y="{y + 14 + 16 * j}" font-size="12" fill="#646a73">'
                f"↳ {escape(event)} → {escape(target)}</text>"
            )
        if not loop and i + 1 < main_len:
            y1, y2 = y + box_h, y + row_h[i]
            parts.append(
                f'<line x1="{x0 + box_w / 2}" y1="{y1}" x2="{x0 + box_w / 2}" y2="{y2 - 2}" '
                f'stroke="#1d4ed8" marker-end="url(#arr)"/>'
            )
            if step.forward:
                parts.append(
                    f'<text x="{x0 + box_w / 2 + 8}" y="{(y1 + y2) / 2 + 4}" font-size="11" fill="#1d4ed8">'
                    f"{escape('／'.join(step.forward))}</text>"
                )
        y += row_h[i]
    parts.append(f'<text x="{x0}" y="{height - 12}" font-size="12" fill="#646a73">{escape(note)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every interpolated text is escaped above
