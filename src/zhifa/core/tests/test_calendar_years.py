"""Entering a year: the service (admins only, one transaction, audited, nothing saved on a refusal),
the year list, the API, the staff pages and `manage.py calendar_import`."""

import datetime as dt
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from zhifa.audit.models import AuditEntry
from zhifa.core import calendar
from zhifa.core.calendar import PACKAGE_LAST_YEAR
from zhifa.core.calendar_notice import NoticeError, parse_notice
from zhifa.core.errors import Conflict, Forbidden, InvalidInput
from zhifa.core.models import CalendarDay, CalendarYear
from zhifa.core.selectors import YearState, calendar_year_rows
from zhifa.core.services import calendar_notice_enter, calendar_year_enter
from zhifa.core.tests.notices import crafted_notice, real_notice

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
D = dt.date
NEXT = PACKAGE_LAST_YEAR + 1  # the first year the calendar package does not know


@pytest.fixture
def december():
    """Today is 6 December of the package's last year: next year's notice is out, not yet entered."""
    with time_machine.travel(dt.datetime(PACKAGE_LAST_YEAR, 12, 6, 10, 0, tzinfo=SH), tick=False):
        yield D(PACKAGE_LAST_YEAR, 12, 6)


def a_saturday(year: int, month: int = 3) -> dt.date:
    day = D(year, month, 1)
    while day.weekday() != 5:
        day += dt.timedelta(days=1)
    return day


def nothing_saved() -> bool:
    return not CalendarDay.objects.exists() and not CalendarYear.objects.exists()


class TestService:
    def test_an_admin_enters_next_year_and_its_days_become_official(self, world, december) -> None:
        sat = a_saturday(NEXT)
        assert calendar.working_day(sat) == calendar.DayFact(False, provisional=True)
        entered = calendar_notice_enter(actor=world.admin, notice_text=crafted_notice(NEXT, workdays=[sat]))
        assert (entered.year, entered.holidays, entered.workdays, entered.replaced) == (NEXT, 23, 1, False)
        assert (
            entered.source == f"国务院办公厅关于{NEXT}年部分节假日安排的通知（国办发明电〔{NEXT - 1}〕9号）"
        )
        assert calendar.year_status(NEXT) == calendar.YearStatus.ENTERED
        assert calendar.working_day(sat) == calendar.DayFact(True)
        assert calendar.working_day(D(NEXT, 10, 2)) == calendar.DayFact(False)  # 国庆
        assert CalendarDay.objects.get(date=D(NEXT, 2, 10)).name == "春节"
        entry = AuditEntry.objects.get(action="calendar.year_entered")
        assert entry.actor_name == "admin" and entry.summary["workdays"] == [sat.isoformat()]
        assert (
            entry.summary["notice_text"].startswith("国务院办公厅关于") and entry.summary["replaced"] is None
        )

    def test_entering_again_replaces_the_days_and_keeps_what_was_replaced_in_the_audit(
        self, world, december
    ) -> None:
        sat = a_saturday(NEXT)
        calendar_notice_enter(actor=world.admin, notice_text=crafted_notice(NEXT, workdays=[sat]))
        again = calendar_notice_enter(
            actor=world.admin, notice_text=crafted_notice(NEXT), source="更正后的通知"
        )
        assert again.replaced and again.workdays == 0
        assert not CalendarDay.objects.filter(date=sat).exists()
        assert CalendarYear.objects.get(year=NEXT).source == "更正后的通知"
        last = AuditEntry.objects.filter(action="calendar.year_entered").order_by("-seq").first()
        assert last is not None and last.summary["replaced"]["days"][sat.isoformat()] == "workday"

    def test_the_recompute_of_provisional_dates_is_scheduled_after_commit(
        self, world, december, django_capture_on_commit_callbacks
    ) -> None:
        with django_capture_on_commit_callbacks() as callbacks:
            calendar_notice_enter(actor=world.admin, notice_text=crafted_notice(NEXT))
        assert len(callbacks) == 1

    def test_a_non_admin_is_refused_and_nothing_is_saved(self, world, december) -> None:
        with pytest.raises(Forbidden):
            calendar_notice_enter(actor=world.supervisor, notice_text=crafted_notice(NEXT))
        assert nothing_saved()

    def test_a_malformed_notice_is_refused_naming_the_line_and_nothing_is_saved(
        self, world, december
    ) -> None:
        text = crafted_notice(NEXT).replace("五、端午节：", "五、端午节：6月31日放假。")
        with pytest.raises(NoticeError) as caught:
            calendar_notice_enter(actor=world.admin, notice_text=text)
        assert caught.value.detail["line"] == 8 and "6月31日" in str(caught.value.message)
        assert nothing_saved() and not AuditEntry.objects.filter(action="calendar.year_entered").exists()

    def test_a_year_the_package_knows_is_refused_unless_the_admin_overrides_it(self, world, december) -> None:
        with pytest.raises(Conflict) as caught:
            calendar_notice_enter(actor=world.admin, notice_text=real_notice(2026))
        assert caught.value.code == "year_official" and nothing_saved()
        entered = calendar_notice_enter(
            actor=world.admin, notice_text=real_notice(2026), override_official=True
        )
        assert entered.official and entered.holidays == 33
        assert calendar.year_status(2026) == calendar.YearStatus.OFFICIAL  # still the package's year
        assert calendar.is_working_day(D(2026, 2, 14))  # and both agree

    def test_a_year_too_far_ahead_or_without_a_source_is_refused(self, world, december) -> None:
        notice = parse_notice(crafted_notice(PACKAGE_LAST_YEAR + 3))
        with pytest.raises(InvalidInput) as caught:
            calendar_year_enter(
                actor=world.admin, year=notice.year, days=notice.days, source="x", notice_text=""
            )
        assert caught.value.code == "year_out_of_range"
        notice = parse_notice(crafted_notice(NEXT))
        with pytest.raises(InvalidInput) as caught:
            calendar_year_enter(actor=world.admin, year=NEXT, days=notice.days, source="  ", notice_text="")
        assert caught.value.code == "source_required" and nothing_saved()

    def test_december_days_of_the_previous_year_are_stored_when_the_package_does_not_know_it(
        self, world
    ) -> None:
        year = NEXT + 1
        with time_machine.travel(dt.datetime(NEXT, 12, 6, 10, 0, tzinfo=SH), tick=False):
            last_dec = D(NEXT, 12, 31)
            first = f"一、元旦：{NEXT}年12月31日至{year}年1月1日放假，共2天。"
            text = "\n".join(
                first if line.startswith("一、") else line for line in crafted_notice(year).split("\n")
            )
            entered = calendar_notice_enter(actor=world.admin, notice_text=text)
        assert entered.other_year_days == 1
        assert CalendarDay.objects.get(date=last_dec).kind == "holiday"
        assert calendar.working_day(last_dec) == calendar.DayFact(False)
        assert calendar.year_status(NEXT) == calendar.YearStatus.PROVISIONAL  # only that day is known


class TestYearList:
    def test_years_around_today_are_listed_with_their_state(self, world, december) -> None:
        rows = {row.year: row for row in calendar_year_rows()}
        assert rows[PACKAGE_LAST_YEAR - 1].state == YearState.OFFICIAL
        assert rows[PACKAGE_LAST_YEAR].source.startswith("chinesecalendar")
        assert rows[NEXT].state == YearState.MISSING and rows[NEXT].provisional  # its notice is out
        assert rows[NEXT + 1].state == YearState.PROVISIONAL
        assert max(rows) == PACKAGE_LAST_YEAR + 2

    def test_before_november_next_year_is_provisional_not_missing(self, world) -> None:
        with time_machine.travel(dt.datetime(PACKAGE_LAST_YEAR, 10, 31, 10, 0, tzinfo=SH), tick=False):
            rows = {row.year: row for row in calendar_year_rows()}
        assert rows[NEXT].state == YearState.PROVISIONAL

    def test_an_entered_year_shows_its_source_and_counts(self, world, december) -> None:
        calendar_notice_enter(actor=world.admin, notice_text=crafted_notice(NEXT), source="测试来源")
        row = next(r for r in calendar_year_rows() if r.year == NEXT)
        assert (row.state, row.source, row.holidays, row.workdays) == (YearState.ENTERED, "测试来源", 23, 0)
        assert not row.provisional and row.entered_at is not None


class TestApi:
    def test_the_list_answers_every_signed_in_user(self, world, december, api_token, client) -> None:
        body = client.get("/api/v1/calendar/years", **api_token(world.officer_a)).json()
        by_year = {r["year"]: r for r in body["results"]}
        assert body["count"] == len(by_year)
        assert by_year[NEXT] == {
            "year": NEXT,
            "status": "missing",
            "source": "",
            "provisional": True,
            "entered_at": None,
            "holidays": 0,
            "workdays": 0,
            "overrides_package": False,
        }
        assert by_year[PACKAGE_LAST_YEAR]["status"] == "official"
        assert client.get("/api/v1/calendar/years").status_code == 401

    def test_an_admin_enters_a_year(self, world, december, api_token, client) -> None:
        response = client.post(
            "/api/v1/calendar/years",
            {"notice_text": crafted_notice(NEXT), "source": "国办发明电（测试）"},
            content_type="application/json",
            **api_token(world.admin),
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["year"], body["status"], body["holidays"], body["workdays"]) == (NEXT, "entered", 23, 0)
        assert body["source"] == "国办发明电（测试）"
        listed = client.get("/api/v1/calendar/years", **api_token(world.officer_a)).json()["results"]
        assert next(r for r in listed if r["year"] == NEXT)["status"] == "entered"

    def test_a_non_admin_gets_403(self, world, december, api_token, client) -> None:
        response = client.post(
            "/api/v1/calendar/years",
            {"notice_text": crafted_notice(NEXT)},
            content_type="application/json",
            **api_token(world.supervisor),
        )
        assert response.status_code == 403 and nothing_saved()

    def test_an_unreadable_notice_gets_422_with_the_line(self, world, december, api_token, client) -> None:
        text = real_notice(2025).replace("共8天", "共7天")
        response = client.post(
            "/api/v1/calendar/years",
            {"notice_text": text, "override_official": True},
            content_type="application/json",
            **api_token(world.admin),
        )
        assert response.status_code == 422
        body = response.json()
        assert body["code"] == "notice_unreadable" and body["detail"]["line"] == 5
        assert body["message"].startswith("通知第5行无法识别") and nothing_saved()

    def test_an_unknown_field_gets_400_unknown_field(self, world, december, api_token, client) -> None:
        response = client.post(
            "/api/v1/calendar/years",
            {"notice_text": crafted_notice(NEXT), "sourse": "typo"},
            content_type="application/json",
            **api_token(world.admin),
        )
        assert response.status_code == 400
        assert response.json()["code"] == "unknown_field" and response.json()["detail"]["field"] == "sourse"
        assert nothing_saved()

    def test_a_package_year_gets_409_without_the_override(self, world, december, api_token, client) -> None:
        response = client.post(
            "/api/v1/calendar/years",
            {"notice_text": real_notice(2025)},
            content_type="application/json",
            **api_token(world.admin),
        )
        assert response.status_code == 409 and response.json()["code"] == "year_official"


class TestPages:
    def test_the_year_list_shows_states_to_an_admin_only(self, world, december, client) -> None:
        client.force_login(world.admin)
        page = client.get("/calendar/").content.decode()
        assert "节假日日历" in page and f'id="year-{NEXT}"' in page and "缺失：请录入通知" in page
        client.force_login(world.officer_a)
        assert client.get("/calendar/").status_code == 403
        assert client.get("/calendar/enter/").status_code == 403

    def test_the_admin_navigation_links_the_calendar(self, world, december, client) -> None:
        client.force_login(world.admin)
        assert 'href="/calendar/"' in client.get("/").content.decode()
        client.force_login(world.officer_a)
        assert 'href="/calendar/"' not in client.get("/").content.decode()

    def test_paste_preview_then_confirm_saves_the_year(self, world, december, client) -> None:
        client.force_login(world.admin)
        assert "识别通知" in client.get("/calendar/enter/").content.decode()
        sat = a_saturday(NEXT)
        text = crafted_notice(NEXT, workdays=[sat])
        preview = client.post("/calendar/enter/", {"notice_text": text, "action": "preview"})
        page = preview.content.decode()
        assert preview.status_code == 200
        assert page.count('class="card cal-month"') == 12
        assert f'class="cal-workday" title="春节" data-date="{sat.isoformat()}"' in page
        assert f'class="cal-holiday" title="国庆节" data-date="{NEXT}-10-01"' in page
        assert nothing_saved()  # a preview changes nothing
        saved = client.post("/calendar/enter/", {"notice_text": text, "action": "save", "source": "测试来源"})
        assert saved.status_code == 302 and saved["Location"] == "/calendar/"
        assert CalendarYear.objects.get(year=NEXT).source == "测试来源"
        assert CalendarDay.objects.get(date=sat).kind == "workday"
        assert f"已录入{NEXT}年日历" in client.get("/calendar/").content.decode()

    def test_an_unreadable_notice_is_shown_in_place_naming_the_line(self, world, december, client) -> None:
        client.force_login(world.admin)
        text = crafted_notice(NEXT).replace("七、国庆节：", "七、国庆节：10月32日放假。")
        response = client.post("/calendar/enter/", {"notice_text": text, "action": "save"})
        page = response.content.decode()
        assert response.status_code == 400
        assert "通知第10行无法识别" in page and "10月32日不是有效日期" in page
        assert 'aria-invalid="true"' in page and "七、国庆节" in page  # the text stays to be corrected
        assert nothing_saved()

    def test_a_package_year_needs_the_override_box(self, world, december, client) -> None:
        client.force_login(world.admin)
        text = real_notice(2026)
        preview = client.post("/calendar/enter/", {"notice_text": text, "action": "preview"}).content.decode()
        assert "日历软件包已包含2026年的官方安排" in preview and "通知与软件包每一天都一致" in preview
        refused = client.post("/calendar/enter/", {"notice_text": text, "action": "save"})
        assert refused.status_code == 400 and "并须确认覆盖" in refused.content.decode() and nothing_saved()
        saved = client.post(
            "/calendar/enter/", {"notice_text": text, "action": "save", "override_official": "on"}
        )
        assert saved.status_code == 302 and CalendarYear.objects.filter(year=2026).exists()


class TestCommand:
    def test_calendar_import_enters_the_year_and_prints_the_counts(
        self, world, december, tmp_path: Path
    ) -> None:
        path = tmp_path / "notice.txt"
        path.write_text(crafted_notice(NEXT, workdays=[a_saturday(NEXT)]), encoding="utf-8")
        out = StringIO()
        call_command("calendar_import", str(path), "--source", "命令行测试", "--user", "admin", stdout=out)
        assert out.getvalue().startswith(f"{NEXT} entered: 23 holidays, 1 adjusted working days")
        assert CalendarYear.objects.get(year=NEXT).source == "命令行测试"
        assert AuditEntry.objects.get(action="calendar.year_entered").actor_name == "admin"

    def test_calendar_import_without_a_user_is_audited_as_the_command_line(
        self, world, december, tmp_path: Path
    ) -> None:
        path = tmp_path / "notice.txt"
        path.write_text(crafted_notice(NEXT), encoding="utf-8")
        call_command("calendar_import", str(path), stdout=StringIO())
        entry = AuditEntry.objects.get(action="calendar.year_entered")
        assert entry.actor_id is None and entry.summary["channel"] == "command"

    def test_calendar_import_fails_naming_the_line_and_saves_nothing(
        self, world, december, tmp_path: Path
    ) -> None:
        path = tmp_path / "notice.txt"
        path.write_text(crafted_notice(NEXT).replace("（周", "（周日", 1), encoding="utf-8")
        with pytest.raises(CommandError) as caught:
            call_command("calendar_import", str(path), stdout=StringIO())
        assert "通知第4行无法识别" in str(caught.value) and nothing_saved()

    def test_calendar_import_exits_non_zero_naming_the_line(self, tmp_path: Path) -> None:
        import subprocess
        import sys

        path = tmp_path / "notice.txt"
        path.write_text(real_notice(2025).replace("共8天", "共7天"), encoding="utf-8")
        result = subprocess.run(
            [sys.executable, "manage.py", "calendar_import", str(path)],
            capture_output=True,
            text=True,
            cwd=Path(__file__).resolve().parents[4],
            check=False,
        )
        assert result.returncode == 1 and "通知第5行无法识别" in result.stderr
