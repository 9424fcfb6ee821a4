"""law.casefile: what an on-the-spot decision (行政处罚法第五十一条、第五十二条) and a decision not to
penalise (第四十条、第五十七条、第三十条) need in the file, at their edges."""

import datetime as dt

import pytest

from zhifa.core.errors import RuleViolation
from zhifa.law.casefile import FACTS_MIN, FileItem, check_no_penalty_file, check_on_spot_record

DAY = dt.date(2025, 6, 30)
GOOD = {
    "party_name": "王某",
    "party_id_number": "E12345678",
    "facts": "占道经营",
    "location": "建设路",
    "occurred_on": DAY,
}


def _item(ref: str, dated: dt.date | None) -> FileItem:
    return FileItem(ref=ref, kind="photo", label="照片", description="现场", dated_on=dated, entered_on=DAY)


class TestOnSpot:
    def test_the_shortest_facts_naming_an_act_pass(self) -> None:
        assert len(GOOD["facts"]) == FACTS_MIN
        check_on_spot_record(**GOOD)  # type: ignore[arg-type]

    @pytest.mark.parametrize("facts", ["违法", "占道经", "  占道。  ", "……！！"])
    def test_facts_shorter_than_an_act_and_its_object_are_refused(self, facts: str) -> None:
        with pytest.raises(RuleViolation) as exc:
            check_on_spot_record(**{**GOOD, "facts": facts})  # type: ignore[arg-type]
        assert exc.value.code == "on_spot_facts_missing" and exc.value.detail["field"] == "facts"
        assert "第五十二条" in str(exc.value.message)

    def test_place_and_day_are_part_of_the_facts(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            check_on_spot_record(**{**GOOD, "location": " "})  # type: ignore[arg-type]
        assert exc.value.detail["missing"] == ["location"]
        with pytest.raises(RuleViolation) as exc:
            check_on_spot_record(**{**GOOD, "location": "", "occurred_on": None})  # type: ignore[arg-type]
        assert exc.value.detail["missing"] == ["location", "occurred_on"]

    @pytest.mark.parametrize("field", ["party_name", "party_id_number"])
    def test_the_party_is_identified_by_name_and_document_number(self, field: str) -> None:
        with pytest.raises(RuleViolation) as exc:
            check_on_spot_record(**{**GOOD, field: "  "})  # type: ignore[arg-type]
        assert exc.value.code == "on_spot_party_unidentified" and exc.value.detail["field"] == field
        assert exc.value.detail["article"] == "行政处罚法第五十一条、第五十二条"
        assert "普通程序" in str(exc.value.message)  # the way on, in Chinese


class TestNoPenalty:
    def test_an_empty_file_supports_no_ground(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            check_no_penalty_file([], ground="minor_corrected", age_established=True)
        assert exc.value.code == "no_penalty_without_evidence"
        assert exc.value.detail["article"] == "行政处罚法第四十条、第五十七条"
        with pytest.raises(RuleViolation) as exc:  # "not established" still needs the investigation
            check_no_penalty_file([], ground="facts_not_established", age_established=True)
        assert "第五十四条" in exc.value.detail["article"]

    def test_one_item_is_enough_and_the_items_come_back_oldest_first(self) -> None:
        later, earlier, undated = (
            _item("evidence:2", DAY),
            _item("evidence:1", DAY - dt.timedelta(days=3)),
            _item("document:9", None),
        )
        found = check_no_penalty_file(
            [later, undated, earlier], ground="first_offence", age_established=False
        )
        assert [i.ref for i in found] == ["evidence:1", "document:9", "evidence:2"]

    def test_the_under_fourteen_ground_needs_the_age_on_record(self) -> None:
        items = [_item("evidence:1", DAY)]
        with pytest.raises(RuleViolation) as exc:
            check_no_penalty_file(items, ground="under_age", age_established=False)
        assert exc.value.code == "no_penalty_age_unknown" and "第三十条" in str(exc.value.message)
        assert check_no_penalty_file(items, ground="under_age", age_established=True) == items
        # other grounds do not depend on the age
        assert check_no_penalty_file(items, ground="minor_corrected", age_established=False) == items
