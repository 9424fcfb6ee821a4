"""Excel export of a campaign's score sheets in the usual layout: one row per sampled file (序号,
被评查机关, 案号, 评查人, 卷面得分, 内容得分, 否决项, 总分, 等次), then one column per rubric item with the
deduction, then the notes. No party data: a score sheet identifies the file by its case number."""

from __future__ import annotations

import io

from zhifa.supervision.reviews.models import Campaign, ScoreLine
from zhifa.supervision.reviews.scoring import Grade

HEAD = ["序号", "被评查机关", "案号", "评查人", "卷面得分", "内容得分", "否决项", "总分", "等次"]


def score_sheets_xlsx(campaign: Campaign) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    items = list(campaign.rubric.items.all())
    scored = [i for i in items if i.section != "veto"]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "评分表"
    ws.append([*HEAD, *[f"{i.code} {i.text}（{i.max_deduction}）" for i in scored], "说明"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    files = campaign.files.select_related("agency", "case", "reviewer", "current_sheet").order_by("position")
    lines: dict[int, list[ScoreLine]] = {}
    for line in ScoreLine.objects.filter(sheet__file__campaign=campaign).order_by("id"):
        lines.setdefault(line.sheet_id, []).append(line)
    for f in files:
        sheet = f.current_sheet
        mine = {ln.code: ln for ln in lines.get(sheet.pk, [])} if sheet else {}
        vetoes = "、".join(c for c, ln in mine.items() if ln.vetoed)
        notes = "；".join(f"{c}：{ln.note}" for c, ln in mine.items() if ln.note)
        ws.append(
            [
                f.position,
                f.agency.name,
                f.case.number,
                f.reviewer.display_name if f.reviewer else "",
                float(sheet.form_score) if sheet else None,
                float(sheet.substance_score) if sheet else None,
                vetoes,
                float(sheet.score) if sheet else None,
                str(Grade(f.grade).label) if f.grade else "未评分",
                *[
                    float(mine[i.code].deduction) if i.code in mine and mine[i.code].deduction else None
                    for i in scored
                ],
                notes,
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
