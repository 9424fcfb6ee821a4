"""Disclosure rules: the publication window in working days, art. 48 withdrawal, and the masking rules
for published decisions (person vs organisation; names of 1, 2, 3+ characters; compound surnames)."""

import datetime as dt

import pytest

from zhifa.law import disclosure as rules
from zhifa.law.services import jurisdiction_setting_set

D = dt.date


@pytest.mark.django_db
class TestPublicationWindow:
    def test_seven_working_days_across_the_national_day_holiday(self) -> None:
        # decided Fri 26 Sep 2025: 28 Sep (adjusted Sunday), 29, 30 Sep, 9, 10, 11 Oct (adjusted
        # Saturday) and 13 Oct are the seven working days; 1–8 Oct are holidays.
        assert rules.publication_due(D(2025, 9, 26), window_days=7) == D(2025, 10, 13)

    def test_seven_working_days_across_spring_festival(self) -> None:
        # decided Fri 24 Jan 2025: 26 (adjusted Sunday), 27 Jan, then 5, 6, 7, 8 (adjusted Sat), 10 Feb
        assert rules.publication_due(D(2025, 1, 24), window_days=7) == D(2025, 2, 10)

    def test_the_decision_day_is_not_counted(self) -> None:
        # decided Mon 9 June 2025: Tue 10 … Wed 18 June is the seventh working day
        assert rules.publication_due(D(2025, 6, 9), window_days=7) == D(2025, 6, 18)

    def test_the_window_is_a_jurisdiction_setting_with_the_national_default(self, world) -> None:
        applied = rules.publication_window(agency=world.agency_a)
        assert (applied.value, applied.source) == (7, "national")
        jurisdiction_setting_set(
            actor=world.admin, node=world.city, key=rules.PUBLISH_WINDOW_SETTING, value=5
        )
        applied = rules.publication_window(agency=world.agency_a)
        assert (applied.value, applied.source) == (5, world.city.name)

    def test_a_negative_window_is_a_programming_error(self) -> None:
        with pytest.raises(ValueError):
            rules.publication_due(D(2025, 6, 9), window_days=-1)


@pytest.mark.django_db
class TestWithdrawal:
    def test_three_working_days_from_the_change(self) -> None:
        # changed Mon 9 June 2025 → Thu 12 June
        assert rules.withdrawal_due(D(2025, 6, 9)) == D(2025, 6, 12)

    def test_three_working_days_across_a_holiday_ending_on_an_adjusted_saturday(self) -> None:
        # changed Tue 30 Sep 2025 → 9, 10, 11 Oct (11 Oct is an adjusted working Saturday)
        assert rules.withdrawal_due(D(2025, 9, 30)) == D(2025, 10, 11)

    def test_a_change_on_friday_counts_from_monday(self) -> None:
        assert rules.withdrawal_due(D(2025, 6, 13)) == D(2025, 6, 18)

    def test_the_article_names_art_48_and_art_85(self) -> None:
        assert (
            "第四十八条" in rules.WITHDRAWAL_PERIOD.article
            and "第八十五条" in rules.WITHDRAWAL_PERIOD.article
        )
        assert {g.value for g in rules.WithdrawalGround} == {
            "changed",
            "revoked",
            "confirmed_illegal",
            "confirmed_void",
        }


class TestMasking:
    @pytest.mark.parametrize(
        ("name", "masked"),
        [
            ("张", "**"),  # one character: nothing is left to show
            ("张三", "张**"),
            ("张三丰", "张**"),
            ("爱新觉罗溥仪", "爱**"),  # fixed width: the length is not shown either
            ("欧阳修", "欧阳**"),  # compound surname kept whole
            ("欧阳娜娜", "欧阳**"),
            ("司马相如", "司马**"),
            ("诸葛亮", "诸葛**"),
            ("上官婉儿", "上官**"),
            ("司马", "司**"),  # two characters are a surname and a given name, never a bare compound
            ("  李四  ", "李**"),
        ],
    )
    def test_individuals_keep_only_the_surname(self, name: str, masked: str) -> None:
        assert rules.public_party_name(name, is_person=True) == masked

    @pytest.mark.parametrize(
        "name", ["海州市某某餐饮有限公司", "张三水果店（个体工商户）", "欧阳建筑劳务有限公司"]
    )
    def test_organisations_are_shown_in_full(self, name: str) -> None:
        assert rules.public_party_name(name, is_person=False) == name

    def test_facts_lose_ids_phones_and_the_full_name(self) -> None:
        facts = (
            "当事人张三丰（身份证号350102199001011234，手机13800138000，座机0591-87654321）于2025年6月1日"
            "在解放路12号占道经营。张三丰称其不知道规定。"
        )
        out = rules.public_text(facts, person_names=["张三丰"])
        for secret in ("350102199001011234", "13800138000", "87654321", "张三丰"):
            assert secret not in out
        assert out.count("张**") == 2
        assert "解放路12号" in out and "2025年6月1日" in out  # the place and date of the act remain

    def test_a_longer_name_is_replaced_before_a_shorter_one_inside_it(self) -> None:
        out = rules.public_text("张三丰与张三共同经营", person_names=["张三", "张三丰"])
        assert out == "张**与张**共同经营"

    def test_a_one_character_name_does_not_mangle_the_text(self) -> None:
        assert rules.public_text("张某在张家港经营", person_names=["张"]) == "张某在张家港经营"

    def test_an_organisations_text_keeps_its_name(self) -> None:
        text = "海州市某某餐饮有限公司未取得许可擅自经营，统一社会信用代码91350100MA2XXXXX1Y。"
        assert rules.public_text(text) == text
