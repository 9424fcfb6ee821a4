"""The closed list of no-penalty grounds (行政处罚法第三十条、第三十一条、第三十三条、第三十六条、第五十七条)."""

import pytest

from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.law.capacity import AgeBand
from zhifa.law.no_penalty import check_no_penalty_ground


def test_a_ground_is_required() -> None:
    with pytest.raises(RuleViolation) as exc:
        check_no_penalty_ground(ground=None, band=AgeBand.ADULT, guardian_order="")
    assert exc.value.code == "no_penalty_ground_required" and "第三十三条" in str(exc.value.message)
    with pytest.raises(InvalidInput):
        check_no_penalty_ground(ground="sympathy", band=AgeBand.ADULT, guardian_order="")


def test_under_age_needs_the_guardian_order_and_a_party_not_known_to_be_14() -> None:
    with pytest.raises(RuleViolation) as exc:
        check_no_penalty_ground(ground="under_age", band=AgeBand.UNDER_14, guardian_order="")
    assert exc.value.code == "guardian_order_required" and "第三十条" in str(exc.value.message)
    assert (
        check_no_penalty_ground(
            ground="under_age", band=AgeBand.UNDER_14, guardian_order="责令监护人加以管教"
        )
        == "行政处罚法第三十条"
    )
    # an unknown age does not block the protection
    check_no_penalty_ground(ground="under_age", band=AgeBand.UNKNOWN, guardian_order="责令监护人加以管教")
    for band in (AgeBand.MINOR, AgeBand.ADULT):
        with pytest.raises(RuleViolation) as exc:
            check_no_penalty_ground(ground="under_age", band=band, guardian_order="责令监护人加以管教")
        assert exc.value.code == "not_under_14"


def test_incapacity_needs_the_guardian_order() -> None:
    with pytest.raises(RuleViolation) as exc:
        check_no_penalty_ground(ground="incapacity", band=AgeBand.ADULT, guardian_order=" ")
    assert "第三十一条" in str(exc.value.message)
    check_no_penalty_ground(
        ground="incapacity", band=AgeBand.ADULT, guardian_order="责令监护人严加看管和治疗"
    )


@pytest.mark.parametrize(
    ("ground", "article"),
    [
        ("minor_corrected", "第三十三条第一款"),
        ("first_offence", "第三十三条第一款"),
        ("no_fault", "第三十三条第二款"),
        ("facts_not_established", "第五十七条"),
        ("limitation", "第三十六条"),
    ],
)
def test_the_other_grounds_name_their_article(ground: str, article: str) -> None:
    assert article in check_no_penalty_ground(ground=ground, band=AgeBand.ADULT, guardian_order="")
