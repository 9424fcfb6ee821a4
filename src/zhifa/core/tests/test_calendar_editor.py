"""The year editor (`/calendar/<year>/edit/`): an administrator types a year's arrangement festival by
festival from the State Council notice, or corrects it; the same rules as the paste reader, audited,
nothing saved on a refusal (4xx, the reason in place), provisional deadlines made official."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from zhifa.audit.models import AuditEntry
from zhifa.core import calendar
from zhifa.core.calendar import PACKAGE_LAST_YEAR
from zhifa.core.calendar_form import Row, read_rows, rows_for
from zhifa.core.errors import Forbidden, InvalidInput
from zhifa.core.models import CalendarDay, CalendarYear
from zhifa.core.services import calendar_days_enter, calendar_notice_enter
from zhifa.core.tests.notices import crafted_notice

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
D = dt.date
NEXT = PACKAGE_LAST_YEAR + 1


@pytest.fixture
def december():
    with time_machine.travel(dt.datetime(PACKAGE_LAST_YEAR, 12, 6, 10, 0, tzinfo=SH), tick=False):
        yield D(PACKAGE_LAST_YEAR, 12, 6)


def a_saturday(year: int, month: int = 2) -> dt.date:
    day = D(year, month, 1)
    while day.weekday() != 5:
        day += dt.timedelta(days=1)
    return day


def festival_rows(year: int, *, workday: dt.date | None = None) -> list[Row]:
    d = D
    return [
        Row("元旦", d(year, 1, 1).isoformat(), d(year, 1, 1).isoformat()),
        Row(
            "春节",
            d(year, 2, 10).isoformat(),
            d(year, 2, 16).isoformat(),
            [workday.isoformat()] if workday else [],
        ),
        Row("清明节", d(year, 4, 5).isoformat(), d(year, 4, 5).isoformat()),
        Row("劳动节", d(year, 5, 1).isoformat(), d(year, 5, 5).isoformat()),
        Row("端午节", d(year, 6, 10).isoformat(), d(year, 6, 10).isoformat()),
        Row("中秋节", d(year, 9, 20).isoformat(), d(year, 9, 20).isoformat()),
        Row("国庆节", d(year, 10, 1).isoformat(), d(year, 10, 7).isoformat()),
    ]


def as_post(rows: list[Row], **extra: str) -> dict[str, str]:
    post: dict[str, str] = {}
    for i, r in enumerate(rows):
        post.update({f"name_{i}": r.name, f"off_from_{i}": r.off_from, f"off_to_{i}": r.off_to})
        post.update({f"work_{i}_{j}": w for j, w in enumerate(r.workdays)})
    return {**post, **extra}


class TestReadingTheRows:
    def test_the_rows_read_as_the_crafted_notice_does(self) -> None:
        from zhifa.core.calendar_notice import parse_notice

        sat = a_saturday(NEXT)
        typed = read_rows(NEXT, festival_rows(NEXT, workday=sat))
        pasted = parse_notice(crafted_notice(NEXT, workdays=[sat]))
        assert [(d.date, d.kind) for d in typed.days] == [(d.date, d.kind) for d in pasted.days]

    @pytest.mark.parametrize(
        ("change", "field", "words"),
        [
            (lambda r: setattr(r[6], "off_to", ""), "off_to", "first and the last day off"),
            (lambda r: setattr(r[6], "off_to", f"{NEXT}-09-30"), "off_to", "end before they begin"),
            (lambda r: setattr(r[6], "off_to", f"{NEXT}-10-16"), "off_to", "more than 15 days"),
            (lambda r: setattr(r[6], "off_to", f"{NEXT}-10-32"), "off_to", "is not a date"),
            (
                lambda r: r[3].__dict__.update(off_from=f"{NEXT - 1}-12-31", off_to=f"{NEXT - 1}-12-31"),
                "off_from",
                "only 元旦",
            ),
            (lambda r: r[1].workdays.append(f"{NEXT}-02-17"), "work_0", "weekday"),
            (
                lambda r: r[2].__dict__.update(off_from=f"{NEXT}-02-16", off_to=f"{NEXT}-02-16"),
                "off_from",
                "arranged twice",
            ),
            (lambda r: setattr(r[0], "name", ""), "name", "name the festival"),
            (lambda r: setattr(r[4], "name", "端" * 51), "name", "longer than 50"),
        ],
    )
    def test_each_fault_is_refused_naming_the_row(self, change, field: str, words: str) -> None:
        rows = festival_rows(NEXT)
        if field == "work_0":
            rows[1].workdays = []
        change(rows)
        with translation.override("en"), pytest.raises(InvalidInput) as exc:
            read_rows(NEXT, rows)
        assert exc.value.detail["field"] == field and exc.value.detail["row"] is not None
        assert words.lower() in str(exc.value.message).lower()

    def test_fifteen_days_off_pass_and_new_years_day_may_begin_in_december(self) -> None:
        rows = festival_rows(NEXT)
        rows[6].off_to = f"{NEXT}-10-15"  # 15 days: the longest accepted
        rows[0].off_from = f"{NEXT - 1}-12-31"
        notice = read_rows(NEXT, rows)
        assert len([d for d in notice.days if d.name == "国庆节"]) == 15
        assert notice.other_years[0].date == D(NEXT - 1, 12, 31)

    def test_a_festival_missing_is_refused(self) -> None:
        rows = [r for r in festival_rows(NEXT) if r.name != "端午节"]
        with pytest.raises(InvalidInput) as exc:
            read_rows(NEXT, rows)
        assert "端午" in str(exc.value.message)
        combined = festival_rows(NEXT)  # 中秋节、国庆节 as one row, as the 2020 and 2023 notices have it
        combined[6].name = "中秋节、国庆节"
        combined[5] = Row()
        assert read_rows(NEXT, combined).festivals[-1] == "中秋节、国庆节"

    def test_the_form_starts_from_the_stored_days_else_the_package_else_empty_rows(self) -> None:
        package = rows_for(2026, [])
        spring = next(r for r in package if r.name == "春节")
        assert (spring.off_from, spring.off_to) == ("2026-02-15", "2026-02-23")  # 9 days, weekends inside
        assert spring.workdays == ["2026-02-14", "2026-02-28"]
        assert read_rows(2026, package).days  # the package's own arrangement reads back without a fault
        assert [r.name for r in rows_for(NEXT, [])] == [
            "元旦",
            "春节",
            "清明节",
            "劳动节",
            "端午节",
            "中秋节",
            "国庆节",
        ]


class TestService:
    def test_an_admin_enters_a_year_by_hand_audited_and_no_longer_provisional(self, world, december) -> None:
        sat = a_saturday(NEXT)
        assert calendar.working_day(sat).provisional
        entered = calendar_days_enter(
            actor=world.admin, year=NEXT, rows=festival_rows(NEXT, workday=sat), source="国办发明电〔示例〕号"
        )
        assert (entered.holidays, entered.workdays) == (23, 1)
        assert calendar.working_day(sat) == calendar.DayFact(True)
        assert calendar.working_day(D(NEXT, 3, 3)) == calendar.DayFact(True)  # weekday rule, official now
        entry = AuditEntry.objects.get(action="calendar.year_entered")
        assert entry.summary["channel"] == "editor" and entry.summary["workdays"] == [sat.isoformat()]
        assert "春节：" in entry.summary["notice_text"]

    def test_a_correction_replaces_the_days_and_keeps_the_old_ones_in_the_audit(
        self, world, december
    ) -> None:
        sat = a_saturday(NEXT)
        calendar_notice_enter(actor=world.admin, notice_text=crafted_notice(NEXT, workdays=[sat]))
        rows = festival_rows(NEXT)  # the correction: no adjusted working day after all
        calendar_days_enter(actor=world.admin, year=NEXT, rows=rows, source="更正")
        assert not CalendarDay.objects.filter(date=sat).exists() and calendar.is_holiday(sat)
        last = AuditEntry.objects.filter(action="calendar.year_entered").latest("id")
        assert last.summary["replaced"]["days"][sat.isoformat()] == "workday"
        assert CalendarYear.objects.get(year=NEXT).source == "更正"

    def test_only_an_admin_and_nothing_is_saved_on_a_refusal(self, world, december) -> None:
        with pytest.raises(Forbidden):
            calendar_days_enter(actor=world.approver_a, year=NEXT, rows=festival_rows(NEXT), source="x")
        rows = festival_rows(NEXT)
        rows[2].off_to = "2000-01-01"
        with pytest.raises(InvalidInput):
            calendar_days_enter(actor=world.admin, year=NEXT, rows=rows, source="x")
        assert not CalendarDay.objects.exists() and not CalendarYear.objects.exists()


class TestPage:
    def test_type_preview_and_save_through_the_page(self, world, december, client) -> None:
        client.force_login(world.admin)
        page = client.get(f"/calendar/{NEXT}/edit/").content.decode()
        assert 'value="春节"' in page and "cal-month" not in page  # no dates yet: no grid
        assert f'href="/calendar/{NEXT}/edit/"' in client.get("/calendar/").content.decode()
        sat = a_saturday(NEXT)
        post = as_post(festival_rows(NEXT, workday=sat), source="国务院办公厅通知")
        preview = client.post(f"/calendar/{NEXT}/edit/", {**post, "action": "preview"})
        assert preview.status_code == 200 and preview.content.decode().count('class="card cal-month"') == 12
        assert not CalendarYear.objects.exists()
        saved = client.post(f"/calendar/{NEXT}/edit/", {**post, "action": "save"})
        assert saved.status_code == 302 and saved["Location"] == "/calendar/"
        assert CalendarDay.objects.get(date=sat).kind == "workday"
        again = client.get(f"/calendar/{NEXT}/edit/").content.decode()  # to correct: the rows as stored
        assert f'value="{sat.isoformat()}"' in again and 'value="国务院办公厅通知"' in again

    def test_a_bad_row_is_a_400_in_place_and_changes_nothing(self, world, december, client) -> None:
        client.force_login(world.admin)
        rows = festival_rows(NEXT)
        rows[1].workdays = [f"{NEXT}-02-17"]  # a weekday
        response = client.post(f"/calendar/{NEXT}/edit/", {**as_post(rows, source="x"), "action": "save"})
        page = response.content.decode()
        assert response.status_code == 400 and "调休上班" in page and 'id="row-1"' in page
        assert f'value="{NEXT}-02-17"' in page  # what was typed stays to be corrected
        assert not CalendarYear.objects.exists()
        no_source = client.post(f"/calendar/{NEXT}/edit/", {**as_post(festival_rows(NEXT)), "action": "save"})
        assert no_source.status_code == 400 and not CalendarYear.objects.exists()

    def test_a_package_year_needs_the_override_and_strangers_are_refused(
        self, world, december, client
    ) -> None:
        client.force_login(world.admin)
        post = as_post(rows_for(2026, []), source="覆盖")
        refused = client.post("/calendar/2026/edit/", {**post, "action": "save"})
        assert refused.status_code == 409 and not CalendarYear.objects.exists()
        saved = client.post("/calendar/2026/edit/", {**post, "action": "save", "override_official": "on"})
        assert saved.status_code == 302 and CalendarYear.objects.filter(year=2026).exists()
        assert client.get("/calendar/1999/edit/").status_code == 404
        assert client.get(f"/calendar/{PACKAGE_LAST_YEAR + 3}/edit/").status_code == 404
        client.force_login(world.officer_a)
        assert client.get(f"/calendar/{NEXT}/edit/").status_code == 403
        assert client.post(f"/calendar/{NEXT}/edit/", {**post, "action": "save"}).status_code == 403


def test_saving_the_year_through_the_page_makes_a_provisional_deadline_official(
    world, client, django_capture_on_commit_callbacks
) -> None:
    from zhifa.core.tests.test_calendar_recompute import (
        DECISION_DAYS,
        at,
        file_case,
        filing_day_ending_on_a_saturday,
    )
    from zhifa.enforcement.cases.models import CaseDeadline

    filed_on = filing_day_ending_on_a_saturday()
    saturday = filed_on + dt.timedelta(days=DECISION_DAYS)
    with at(filed_on):
        case = file_case(world, filed_on)
    row = CaseDeadline.objects.get(case=case, kind="decision")
    assert row.provisional
    client.force_login(world.admin)
    rows = festival_rows(NEXT)
    rows[1].workdays = [saturday.isoformat()] if saturday.month == 2 else []
    if saturday.month != 2:  # make that Saturday an adjusted working day of the festival nearest it
        rows[0].workdays = [saturday.isoformat()]
    with at(filed_on + dt.timedelta(days=10)), django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/calendar/{NEXT}/edit/", {**as_post(rows, source="通知"), "action": "save"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert not row.provisional and row.due_on == saturday
