"""The monthly report against hand counts, its XLSX (read back with openpyxl) and PDF (read back with
pypdf); the centre's indicators; the dashboard and report pages and APIs; the annual statistics
published on the portal."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from zhifa.core.indicators import DateSpan, indicator_value
from zhifa.enforcement.cases.factories import CaseKit
from zhifa.enforcement.cases.models import Case, State
from zhifa.supervision.centre import reports, services
from zhifa.supervision.centre.tests.builders import D, case, clues, decided

pytestmark = pytest.mark.django_db
JUNE = DateSpan(D(2025, 6, 1), D(2025, 6, 30))


@pytest.fixture
def june(kit: CaseKit) -> dict[str, Any]:
    """Hand-counted June 2025 in agency A: filed 3 (one in May not counted), decided 2 (one simple
    ¥200, one ordinary ¥5000; one decided in May not counted), 1 hearing, 1 clue, 1 notice, 1 fault."""
    case(kit, state=State.INVESTIGATING, filed_on=D(2025, 6, 2), discovered_on="2025-06-25")
    case(kit, state=State.INVESTIGATING, filed_on=D(2025, 6, 30), discovered_on="2025-06-25")
    case(kit, state=State.INVESTIGATING, filed_on=D(2025, 5, 30), discovered_on="2025-06-25")
    decided(kit, on=D(2025, 6, 5), fine="200.00", procedure="simple", filed_on=None)
    decided(kit, on=D(2025, 6, 12), fine="5000.00", filed_on=D(2025, 6, 3), hearing_held_on=D(2025, 6, 9))
    decided(kit, on=D(2025, 5, 20), fine="9000.00", filed_on=D(2025, 5, 1))
    lead = case(kit, discovered_on="2025-06-03")  # the lead model's clue (raised 2025-06-30)
    services.models_run(codes=["cases.lead_not_filed"])
    clue = clues("cases.lead_not_filed")[0]
    services.clue_apply_event(
        clue_id=clue.pk,
        actor=kit.world.supervisor,
        event="issue_notice",
        data={"requirements": "请依法整改并报告。"},
    )
    services.fault_record(
        actor=kit.world.supervisor,
        data={
            "officer_id": kit.officer_a.pk,
            "fault": "overdue",
            "sanction": "education",
            "description": "线索逾期未处理。",
            "finding": "批评教育。",
            "found_on": "2025-06-29",
            "decided_on": "2025-06-30",
        },
    )
    return {"lead": lead, "clue": clue}


def test_the_monthly_report_matches_the_hand_counts(kit: CaseKit, june: dict[str, Any]) -> None:
    w = kit.world
    report = reports.monthly_report([w.agency_a.pk, w.agency_b.pk], 2025, 6)
    assert report.title == "2025年6月行政处罚与行政监督月报"
    a = next(r for r in report.rows if r.agency_id == w.agency_a.pk)
    b = next(r for r in report.rows if r.agency_id == w.agency_b.pk)
    expected = {
        "filed": 3,  # 06-02, 06-30, and the ordinary decision filed 06-03
        "decided": 2,
        "simple": 1,
        "ordinary": 1,
        "fines": Decimal("5200.00"),
        "hearings": 1,
        "reconsidered": 0,
        "corrected": 0,
        "suits": 0,
        "lost": 0,
        "clues": 1,
        "notices": 1,
        "faults": 1,
    }
    assert {k: a.figures[k] for k in expected} == expected
    assert all(v == 0 for v in b.figures.values())
    assert report.total.figures == a.figures
    assert [(c.agency, c.decided) for c in report.categories if c.agency == "合计"] == [("合计", 2)] or sum(
        c.decided for c in report.categories if c.agency == "合计"
    ) == 2


def test_the_excel_file_reads_back_with_chinese_headers(kit: CaseKit, june: dict[str, Any]) -> None:
    report = reports.monthly_report([kit.world.agency_a.pk], 2025, 6)
    wb = load_workbook(io.BytesIO(reports.to_xlsx(report)))
    ws = wb["月报"]
    assert ws["A1"].value == "2025年6月行政处罚与行政监督月报"
    assert ws["A2"].value == "统计期间：2025-06-01 至 2025-06-30"
    headers = [c.value for c in ws[3]]
    assert headers[:4] == ["执法机关", "立案数", "处罚决定数", "其中：简易程序"]
    row = {headers[i]: c.value for i, c in enumerate(ws[4])}
    assert row["执法机关"] == kit.world.agency_a.name
    assert row["立案数"] == 3 and row["处罚决定数"] == 2 and row["罚款金额（元）"] == 5200.0
    assert row["听证数"] == 1 and row["监督文书数"] == 1 and row["过错责任追究数"] == 1
    total = {headers[i]: c.value for i, c in enumerate(ws[5])}
    assert total["执法机关"] == "合计" and total["处罚决定数"] == 2
    assert wb["按类别"]["A1"].value == "执法机关"


def test_the_pdf_reads_back(kit: CaseKit, june: dict[str, Any]) -> None:
    report = reports.monthly_report([kit.world.agency_a.pk], 2025, 6)
    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(reports.to_pdf(report))).pages)
    assert "2025年6月行政处罚与行政监督月报" in text and "合计" in text and "5,200.00" in text


def test_the_centres_indicators_count_the_planted_rows(kit: CaseKit, june: dict[str, Any]) -> None:
    ids = [kit.world.agency_a.pk]
    assert indicator_value("centre.clues_raised", ids, JUNE).value == 1
    assert indicator_value("centre.clues_pending", ids, JUNE).value == 0
    rate = indicator_value("centre.clue_handling_rate", ids, JUNE)
    assert (rate.numerator, rate.denominator, rate.value) == (1, 1, Decimal("100.0"))
    assert indicator_value("centre.notices_issued", ids, JUNE).value == 1
    assert indicator_value("centre.rectification_on_time_rate", ids, JUNE).value is None  # due in July
    july = DateSpan(D(2025, 7, 1), D(2025, 7, 31))
    assert indicator_value("centre.rectification_on_time_rate", ids, july).denominator == 1
    assert indicator_value("centre.faults_recorded", ids, JUNE).value == 1
    assert indicator_value("cases.decision_on_time_rate", ids, JUNE).value is None
    assert indicator_value("cases.fines_in_decisions", ids, JUNE).value == Decimal("5200.00")
    assert indicator_value("centre.clues_raised", [kit.world.agency_b.pk], JUNE).value == 0


class TestPages:
    def test_dashboard_drill_down_and_filters(
        self, kit: CaseKit, june: dict[str, Any], login_as: Any
    ) -> None:
        c = login_as(kit.world.supervisor)
        r = c.get("/centre/dashboard/?from=2025-06-01&to=2025-06-30")
        html = r.content.decode()
        assert r.status_code == 200 and "<svg" in html
        # nothing loaded from another host (a random CSRF token may well contain the letters "cdn")
        assert not re.search(r"""(?:src|href)=["'](?:https?:)?//""", html)
        assert "/centre/dashboard/cases.decided/" in html
        r = c.get(
            f"/centre/dashboard/cases.decided/?from=2025-06-01&to=2025-06-30&agency={kit.world.agency_a.pk}"
        )
        assert r.status_code == 200 and kit.world.agency_a.name in r.content.decode()
        assert c.get("/centre/dashboard/?from=2025-07-01&to=2025-06-01").status_code == 400
        assert c.get("/centre/dashboard/?agency=999999").status_code == 400
        assert c.get("/centre/dashboard/nope.nothing/").status_code == 404
        assert login_as(kit.world.officer_a).get("/centre/dashboard/").status_code == 403

    def test_monthly_page_and_files(self, kit: CaseKit, june: dict[str, Any], login_as: Any) -> None:
        c = login_as(kit.world.supervisor)
        r = c.get("/centre/monthly-report/?year=2025&month=6")
        assert r.status_code == 200 and "2025年6月行政处罚与行政监督月报" in r.content.decode()
        x = c.get("/centre/monthly-report/?year=2025&month=6&format=xlsx")
        assert x.status_code == 200 and load_workbook(io.BytesIO(x.content))["月报"]["A1"].value
        assert c.get("/centre/monthly-report/?year=2025&month=13").status_code == 400

    def test_the_api_report_and_dashboard(
        self, kit: CaseKit, june: dict[str, Any], client: Any, api_token: Any
    ) -> None:
        h = api_token(kit.world.supervisor)
        r = client.get("/api/v1/stats/monthly-report?year=2025&month=6", **h)
        body = r.json()
        assert r.status_code == 200 and body["total"]["decided"] == 2 and body["total"]["fines"] == "5200.00"
        x = client.get("/api/v1/stats/monthly-report?year=2025&month=6&format=xlsx", **h)
        ws = load_workbook(io.BytesIO(x.content))["月报"]
        assert (
            ws.cell(row=ws.max_row, column=1).value == "合计" and ws.cell(row=ws.max_row, column=2).value == 3
        )
        assert client.get("/api/v1/stats/monthly-report?year=2025&month=0", **h).status_code == 400
        assert client.get("/api/v1/stats/monthly-report?year=2025&month=6&format=doc", **h).status_code == 400
        d = client.get("/api/v1/stats/dashboard?from=2025-06-01&to=2025-06-30", **h).json()
        codes = {i["code"]: i for g in d["groups"] for i in g["indicators"]}
        assert codes["cases.decided"]["value"] == "2" and codes["centre.notices_issued"]["value"] == "1"
        assert len(d["trend"]) == 12 and d["trend"][-1] == {
            "month": "2025-06",
            "cases.registered": 7,
            "cases.decided": 2,
        }

    def test_clue_pages_and_handling_in_place(
        self, kit: CaseKit, june: dict[str, Any], login_as: Any
    ) -> None:
        c = login_as(kit.world.supervisor)
        r = c.get("/centre/?status=all")
        assert r.status_code == 200 and june["clue"].title in r.content.decode()
        r = c.get(f"/centre/clues/{june['clue'].pk}/")
        assert r.status_code == 200 and "执法监督通知书" in r.content.decode()
        r = c.post(f"/centre/clues/{june['clue'].pk}/verify/", {"opinion": ""})
        assert r.status_code in (400, 409) and "errors" in r.content.decode()
        assert login_as(kit.world.officer_b).get(f"/centre/clues/{june['clue'].pk}/").status_code == 403


def test_the_annual_statistics_are_published_once_on_the_portal(
    kit: CaseKit, june: dict[str, Any], client: Any
) -> None:
    from zhifa.core.errors import InvalidInput

    with pytest.raises(InvalidInput):  # 2025 has not ended on 2025-06-30
        services.annual_report_publish(actor=kit.world.supervisor, year=2025)
    Case.objects.filter(decided_on__isnull=False).update(decided_on=D(2024, 6, 12))
    record = services.annual_report_publish(actor=kit.world.supervisor, year=2024)
    assert record.due_on == D(2025, 1, 31) and record.data["total"]["decided"] == 3
    with pytest.raises(InvalidInput):
        services.annual_report_publish(actor=kit.world.supervisor, year=2024)
    r = client.get("/portal/annual-reports/")
    assert r.status_code == 200 and "2024年度行政执法统计年报" in r.content.decode()
    assert client.get(f"/portal/annual-reports/{record.pk}/").status_code == 200
    pdf = client.get(f"/portal/annual-reports/{record.pk}/pdf/")
    text = "".join(
        p.extract_text() or "" for p in PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages
    )
    assert "2024年度行政执法统计年报" in text
