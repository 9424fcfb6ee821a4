"""The State Council notice parser: the real 2025 and 2026 notices against `chinesecalendar`, and every
way a pasted notice can be wrong, refused with its line."""

import datetime as dt

import chinese_calendar
import pytest

from zhifa.core.calendar_notice import Kind, NoticeError, parse_notice
from zhifa.core.tests.notices import crafted_notice, real_notice

D = dt.date


def days_of(year: int) -> list[dt.date]:
    return [D(year, 1, 1) + dt.timedelta(days=n) for n in range((D(year + 1, 1, 1) - D(year, 1, 1)).days)]


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_day_of_the_real_notice_agrees_with_chinesecalendar(year: int) -> None:
    notice = parse_notice(real_notice(year))
    assert notice.year == year
    disagree = [d for d in days_of(year) if notice.is_working(d) != chinese_calendar.is_workday(d)]
    assert disagree == []
    # and every day the notice gives off is one of the package's holidays, named after its festival
    for day in notice.holidays:
        assert chinese_calendar.get_holiday_detail(day.date)[0], day
    assert not notice.other_years


def test_the_2025_notice_reads_its_festivals_counts_and_source() -> None:
    notice = parse_notice(real_notice(2025))
    assert len(notice.holidays) == 28 and len(notice.workdays) == 5
    assert notice.festivals == ("元旦", "春节", "清明节", "劳动节", "端午节", "国庆节、中秋节")
    spring = [d for d in notice.days if d.name == "春节"]
    assert [d.date for d in spring if d.kind == Kind.WORKDAY] == [D(2025, 1, 26), D(2025, 2, 8)]
    assert [d.date for d in spring if d.kind == Kind.HOLIDAY] == [
        D(2025, 1, 28) + dt.timedelta(n) for n in range(8)
    ]
    assert notice.default_source() == "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）"


def test_the_2026_notice_reads_a_range_whose_end_has_no_month() -> None:
    notice = parse_notice(real_notice(2026))
    spring = [d.date for d in notice.holidays if d.name == "春节"]
    assert spring[0] == D(2026, 2, 15) and spring[-1] == D(2026, 2, 23) and len(spring) == 9
    assert D(2026, 1, 4) in {d.date for d in notice.workdays}


def test_a_notice_pasted_with_a_broken_line_and_full_width_digits_still_reads() -> None:
    text = (
        real_notice(2025)
        .replace("放假调休，共8天。1月26日", "放假调休，共8天。\n1月26日")
        .replace("4月27日", "４月２７日")
    )
    notice = parse_notice(text)
    assert {D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27)} <= {d.date for d in notice.workdays}


def test_the_new_year_item_may_reach_into_december_of_the_previous_year() -> None:
    # the 2019 notice's first item, as published
    text = crafted_notice(2019).replace(
        "一、元旦：1月1日（周二）放假，共1天。",
        "一、元旦：2018年12月30日至2019年1月1日放假调休，共3天。2018年12月29日（星期六）上班。",
    )
    notice = parse_notice(text)
    assert [(d.date, d.kind) for d in notice.other_years] == [
        (D(2018, 12, 29), Kind.WORKDAY),
        (D(2018, 12, 30), Kind.HOLIDAY),
        (D(2018, 12, 31), Kind.HOLIDAY),
    ]
    assert D(2019, 1, 1) in {d.date for d in notice.holidays}


def test_a_december_date_without_its_year_in_the_new_year_item_is_the_previous_year() -> None:
    text = crafted_notice(2023).replace(
        "一、元旦：1月1日（周日）放假，共1天。", "一、元旦：12月31日（周六）至1月2日（周一）放假调休，共3天。"
    )
    notice = parse_notice(text)
    assert [d.date for d in notice.other_years] == [D(2022, 12, 31)]
    assert {D(2023, 1, 1), D(2023, 1, 2)} <= {d.date for d in notice.holidays}


def refused(text: str) -> NoticeError:
    with pytest.raises(NoticeError) as caught:
        parse_notice(text)
    return caught.value


class TestMalformedNotices:
    def test_a_wrong_weekday_is_refused_naming_the_line(self) -> None:
        text = real_notice(2025).replace("1月28日（农历除夕、周二）", "1月28日（农历除夕、周三）")
        err = refused(text)
        assert err.status == 422 and err.code == "notice_unreadable"
        assert err.detail["line"] == 5 and err.detail["text"].startswith("二、春节")
        assert "第5行" in str(err.message) and "2025-01-28" in str(err.message) and "周二" in str(err.message)

    def test_the_wrong_year_in_the_title_is_caught_by_the_weekdays(self) -> None:
        err = refused(real_notice(2025).replace("关于2025年", "关于2026年"))
        assert err.detail["line"] == 4  # 元旦: 2026-01-01 is a Thursday, not 周三

    def test_a_count_that_disagrees_with_the_dates_is_refused(self) -> None:
        err = refused(real_notice(2026).replace("共9天", "共8天"))
        assert err.detail["line"] == 4 and "8" in str(err.message) and "9" in str(err.message)

    def test_a_skipped_item_number_is_refused(self) -> None:
        lines = real_notice(2025).split("\n")
        err = refused("\n".join(line for line in lines if not line.startswith("三、")))
        assert err.detail["line"] == 6 and err.detail["text"].startswith("四、劳动节")

    def test_a_cut_off_notice_is_refused_naming_the_missing_festivals(self) -> None:
        text = "\n".join(real_notice(2026).split("\n")[:6])
        err = refused(text)
        assert "端午" in str(err.message) and "中秋" in str(err.message) and "国庆" in str(err.message)

    def test_a_text_without_its_title_is_refused(self) -> None:
        err = refused("\n".join(real_notice(2025).split("\n")[2:]))
        assert "国务院办公厅关于2027年部分节假日安排的通知" in str(err.message)

    def test_an_impossible_date_is_refused(self) -> None:
        err = refused(real_notice(2025).replace("2月8日（周六）上班", "2月30日上班"))
        assert err.detail["line"] == 5 and "2月30日" in str(err.message)

    def test_an_adjusted_working_day_on_a_weekday_is_refused(self) -> None:
        err = refused(real_notice(2025).replace("4月27日（周日）上班", "4月28日（周一）上班"))
        assert err.detail["line"] == 7 and "2025-04-28" in str(err.message)

    def test_a_day_arranged_twice_is_refused(self) -> None:
        err = refused(real_notice(2025).replace("4月27日（周日）上班", "1月26日（周日）上班"))
        assert err.detail["line"] == 7 and "第5行" in str(err.message)

    def test_a_date_neither_off_nor_working_is_refused(self) -> None:
        err = refused(real_notice(2025).replace("4月27日（周日）上班", "4月27日（周日）照常"))
        assert err.detail["line"] == 7

    def test_a_date_line_before_any_item_is_refused(self) -> None:
        lines = real_notice(2025).split("\n")
        lines.insert(2, "1月26日（周日）上班。")
        err = refused("\n".join(lines))
        assert err.detail["line"] == 3

    def test_an_empty_or_oversized_text_is_refused(self) -> None:
        assert "空" in str(refused("  \n ").message)
        assert (
            refused("国务院办公厅关于2025年部分节假日安排的通知\n" + "x" * 20_001).code == "notice_unreadable"
        )

    def test_an_item_without_dates_is_refused(self) -> None:
        err = refused(
            real_notice(2025).replace(
                "三、清明节：4月4日（周五）至6日（周日）放假，共3天。", "三、清明节：另行通知。"
            )
        )
        assert err.detail["line"] == 6
