import io
from typing import Any

from openpyxl import load_workbook

from zhifa.core.files.serving import content_disposition
from zhifa.enforcement.cases.factories import CaseKit
from zhifa.supervision.reviews import rubric_io
from zhifa.supervision.reviews.models import Campaign, Rubric, SampledFile
from zhifa.supervision.reviews.services import campaign_draw, rubric_default
from zhifa.supervision.reviews.tests.builders import clean_case, decided_not_served, make_campaign

SEED = "1a" * 32


def test_setup_draw_score_results_export(kit: CaseKit, login_as: Any) -> None:
    w = kit.world
    clean_case(kit)
    bad = decided_not_served(kit)
    boss = login_as(w.supervisor)
    r = boss.get("/reviews/campaigns/new/")
    assert (r.status_code == 200 and "新建" in r.content.decode()) or r.status_code == 200
    form = {
        "name": "专项评查",
        "kind": "special",
        "agency_ids": [w.agency_a.pk],
        "reviewer_ids": [w.officer_b.pk],
        "closed_from": "2025-01-01",
        "closed_to": "2025-06-29",
        "due_on": "2025-07-31",
        "sample_mode": "count",
        "sample_count": "5",
    }
    r = boss.post("/reviews/campaigns/new/", {**form, "closed_from": "2025-07-01"})
    assert r.status_code == 400 and "开始日期晚于结束日期" in r.content.decode()  # error in place
    r = boss.post("/reviews/campaigns/new/", form)
    assert r.status_code == 302
    c = Campaign.objects.get(name="专项评查")
    r = boss.post(f"/reviews/campaigns/{c.pk}/draw/", {"seed": SEED})
    assert r.status_code == 302
    page = boss.get(f"/reviews/campaigns/{c.pk}/").content.decode()
    assert SEED in page and "抽取" in page
    file = SampledFile.objects.get(campaign=c, case_id=bad.pk)
    reviewer = login_as(w.officer_b)
    html = reviewer.get("/reviews/").content.decode()
    assert f"/reviews/files/{file.pk}/" in html
    html = reviewer.get(f"/reviews/files/{file.pk}/").content.decode()
    assert "处罚决定书未向当事人送达" in html and f"/reviews/files/{file.pk}/dossier.pdf" in html
    # Leaving the proposals unchanged but vetoing without a note is fine; clearing a proposal needs a note.
    fields = {f"ded_{p['code']}": p["deduction"] for p in file.precheck if p["section"] != "veto"}
    r = reviewer.post(f"/reviews/files/{file.pk}/", {**fields, "ded_F02": "0"})
    assert r.status_code == 400 and "请说明理由" in r.content.decode()
    r = reviewer.post(f"/reviews/files/{file.pk}/", {**fields, "ded_F02": "0", "note_F02": "补送达回证已附"})
    assert r.status_code == 302
    file.refresh_from_db()
    assert file.state == "scored" and file.score is not None
    # Another officer of the file's agency sees nothing.
    assert login_as(w.officer_a2).get(f"/reviews/files/{file.pk}/").status_code == 404
    boss = login_as(w.supervisor)  # the one test client, signed in again as the bureau
    html = boss.get(f"/reviews/campaigns/{c.pk}/results/").content.decode()
    assert "<svg" in html and w.agency_a.name in html
    r = boss.get(f"/reviews/campaigns/{c.pk}/scores.xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    assert [cell.value for cell in ws[1]][:4] == ["序号", "被评查机关", "案号", "评查人"]
    assert ws.max_row == 3
    r = boss.get(f"/reviews/campaigns/{c.pk}/report.pdf")
    assert r.status_code == 200 and r.content[:4] == b"%PDF"
    # Not published: no public page.
    assert boss.get(f"/reviews/public/{c.pk}/").status_code == 404


def test_dossier_beside_the_sheet_is_served_to_the_assigned_reviewer_only(
    kit: CaseKit, login_as: Any
) -> None:
    w = kit.world
    clean_case(kit)
    c = campaign_draw(actor=w.supervisor, campaign_id=make_campaign(kit, sample_count=1).pk, seed=SEED)
    file = c.files.get()
    r = login_as(w.officer_b).get(f"/reviews/files/{file.pk}/dossier.pdf")
    assert r.status_code == 200 and r.content[:4] == b"%PDF"
    # named by the case number and 卷宗 (RFC 5987), with an ASCII fallback
    assert r["Content-Disposition"] == content_disposition(
        f"{file.case.number}-卷宗.pdf", fallback=f"dossier-{file.case_id}.pdf", as_attachment=False
    )
    assert login_as(w.officer_a2).get(f"/reviews/files/{file.pk}/dossier.pdf").status_code == 404


def test_rubric_round_trip_csv_and_xlsx(world: Any, login_as: Any) -> None:
    rubric = rubric_default()
    for data in (rubric_io.rubric_csv(rubric), rubric_io.rubric_xlsx(rubric)):
        items = rubric_io.parse_items(data)
        assert [(i["code"], i["section"], i["check"]) for i in items] == [
            (i.code, i.section, i.auto_check) for i in rubric.items.all()
        ]
    boss = login_as(world.supervisor)
    upload = io.BytesIO(rubric_io.rubric_csv(rubric))
    upload.name = "standard.csv"
    r = boss.post("/reviews/rubrics/", {"code": "standard", "name": "修订版", "file": upload})
    assert r.status_code == 302
    assert Rubric.objects.filter(code="standard").order_by("-version").first().version == 2  # type: ignore[union-attr]
    bad = io.BytesIO(b"a,b\n1,2\n")
    bad.name = "x.csv"
    r = boss.post("/reviews/rubrics/", {"code": "x", "name": "x", "file": bad})
    assert r.status_code == 400 and "编号" in r.content.decode()
