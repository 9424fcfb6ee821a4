import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from zhifa.core import testdata
from zhifa.enforcement.cases.factories import build_case_kit, case_kit_layer, register
from zhifa.enforcement.cases.tests.builders import ordinary
from zhifa.supervision.stats.charts import bar_chart
from zhifa.supervision.stats.selectors import stats_summary

TODAY = dt.date(2025, 6, 30)


NOW = dt.datetime(2025, 6, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
KIT = case_kit_layer(NOW)  # the cases app's kit: the same rows, shared (zhifa.core.testdata)


@pytest.fixture
@testdata.hands_out(KIT)
def kit(world, request):
    # the case builders record real-world dates in May–June 2025, so "today" is 30 June 2025
    with time_machine.travel(NOW, tick=False):
        yield testdata.objects(request, KIT, lambda: build_case_kit(world))


@pytest.mark.django_db
class TestStatsSummary:
    def test_counts_and_amounts_match_the_cases(self, kit) -> None:
        register(kit)
        register(kit)
        ordinary(kit, "decided")
        s = stats_summary(user=kit.world.supervisor)
        assert s.total == 3
        by_state = {r.key: r.count for r in s.by_state}
        assert by_state == {"registered": 2, "decided": 1}
        assert s.fines == Decimal("3000.00")
        assert [(r.label, r.count) for r in s.by_agency] == [(kit.world.agency_a.name, 3)]

    def test_scope_hides_other_agencies(self, kit) -> None:
        register(kit)
        assert stats_summary(user=kit.world.officer_b).total == 0
        assert stats_summary(user=kit.world.officer_a).total == 1

    def test_period_filters_on_registration_date(self, kit) -> None:
        register(kit)
        today = TODAY
        assert stats_summary(user=kit.world.supervisor, date_from=today, date_to=today).total == 1
        tomorrow = today + dt.timedelta(days=1)
        assert stats_summary(user=kit.world.supervisor, date_from=tomorrow).total == 0


@pytest.mark.django_db
class TestStatsEndpoints:
    def test_api_returns_money_as_decimal_strings(self, client: Client, kit, api_token) -> None:
        register(kit)
        body = client.get("/api/v1/stats/summary", **api_token(kit.world.supervisor)).json()
        assert body["total"] == 1 and body["fines"] == "0.00"
        assert body["by_agency"][0]["count"] == 1

    def test_api_refuses_an_inverted_period(self, client: Client, kit, api_token) -> None:
        response = client.get(
            "/api/v1/stats/summary?from=2026-02-01&to=2026-01-01", **api_token(kit.world.supervisor)
        )
        assert response.status_code == 400
        assert response.json()["message"] == "开始日期晚于结束日期。"

    def test_api_refuses_a_malformed_date(self, client: Client, kit, api_token) -> None:
        response = client.get("/api/v1/stats/summary?from=yesterday", **api_token(kit.world.supervisor))
        assert response.status_code == 422

    def test_page_draws_charts_with_constant_queries(
        self, client: Client, kit, django_assert_max_num_queries
    ) -> None:
        for _ in range(5):
            register(kit)
        client.force_login(kit.world.supervisor)
        with django_assert_max_num_queries(12):
            response = client.get("/stats/")
        body = response.content.decode()
        assert response.status_code == 200 and body.count("<svg") >= 3


def test_chart_escapes_labels() -> None:
    svg = str(bar_chart([("<script>", 3), ("正常", 1)], title="t"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg


@pytest.mark.django_db
class TestCaseIndicators:
    def test_each_case_indicator_against_hand_counts(self, kit) -> None:
        """Planted: two registered cases and one decided (¥3000 fine, nothing paid), all in agency A,
        registered on 30 June 2025 (the builders' today)."""
        from zhifa.core.indicators import DateSpan, indicator_value

        register(kit)
        register(kit)
        ordinary(kit, "decided")
        a, b = [kit.world.agency_a.pk], [kit.world.agency_b.pk]
        june, july = DateSpan(dt.date(2025, 6, 1), TODAY), DateSpan(dt.date(2025, 7, 1), dt.date(2025, 7, 31))
        assert indicator_value("cases.registered", a, june).value == 3
        assert indicator_value("cases.registered", b, june).value == 0
        assert indicator_value("cases.registered", a, july).value == 0
        assert indicator_value("cases.fines_decided", a, june).value == Decimal("3000.00")
        assert indicator_value("cases.fines_paid", a, june).value == Decimal("0.00")
        s = stats_summary(user=kit.world.supervisor, date_from=june.start, date_to=june.end)
        assert (s.total, s.fines, s.paid) == (3, Decimal("3000.00"), Decimal("0.00"))


@pytest.mark.django_db
class TestStatsExportAndRates:
    def test_rates_and_trend(self, kit) -> None:
        register(kit)
        ordinary(kit, "decided")
        s = stats_summary(user=kit.world.supervisor)
        assert s.filed == 1 and s.closed == 0 and s.closed_rate == Decimal("0.0")
        assert s.payment_rate == Decimal("0.0")  # ¥3000 decided, nothing paid
        assert [(r.label, r.count) for r in s.by_month] == [("2025-06", 2)]

    def test_csv_export_has_a_bom_and_chinese_headers(self, client: Client, kit) -> None:
        register(kit)
        client.force_login(kit.world.supervisor)
        response = client.get("/stats/?format=csv")
        assert response.status_code == 200 and response.content.startswith("\ufeff".encode())
        text = response.content.decode("utf-8-sig")
        assert text.splitlines()[0] == "维度,项目,案件,决定罚款（元）,已缴纳（元）"
        assert "按执法主体" in text and kit.world.agency_a.name in text
        assert "attachment" in response["Content-Disposition"]

    def test_xlsx_export_opens(self, client: Client, kit) -> None:
        import io

        from openpyxl import load_workbook

        register(kit)
        client.force_login(kit.world.supervisor)
        response = client.get("/stats/?format=xlsx")
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet["A1"].value == "维度" and sheet["C2"].value == 1

    def test_labels_are_page_text_not_scaled_svg(self, client: Client, kit) -> None:
        register(kit)
        client.force_login(kit.world.supervisor)
        body = client.get("/stats/").content.decode()
        assert '<span class="bar-label">' in body and "结案率" in body and "每月登记案件数" in body


@pytest.mark.django_db
class TestStatsPageIsLive:
    """The page reads the cases' kept roll-up (exact, a few small queries whatever the caseload), so
    it is counted on every view: the minute-long cache it had before the roll-up (ZHIFA_STATS_CACHE_
    SECONDS, `stats_summary_cached`) is gone, and with it the tests of that cache."""

    def test_a_case_registered_between_two_views_shows_at_once(
        self, client: Client, kit, django_assert_max_num_queries
    ) -> None:
        register(kit)
        client.force_login(kit.world.supervisor)
        assert client.get("/stats/").context["s"].total == 1
        register(kit)
        with django_assert_max_num_queries(12):
            body = client.get("/stats/")
        assert body.context["s"].total == 2 and "统计截至" not in body.content.decode()
        csv = client.get("/stats/?format=csv").content.decode("utf-8-sig")
        assert f"{kit.world.agency_a.name},2," in csv

    def test_each_scope_has_its_own_figures(self, client: Client, kit) -> None:
        register(kit)
        client.force_login(kit.world.supervisor)
        assert client.get("/stats/").context["s"].total == 1
        client.force_login(kit.world.officer_b)
        assert client.get("/stats/").context["s"].total == 0
        client.force_login(kit.world.officer_a)
        assert client.get("/stats/").context["s"].total == 1
        client.force_login(kit.world.supervisor)
        assert client.get(f"/stats/?agency={kit.world.agency_b.pk}").context["s"].total == 0
