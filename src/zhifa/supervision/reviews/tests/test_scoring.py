from decimal import Decimal

import pytest

from zhifa.core.errors import InvalidInput
from zhifa.supervision.reviews.scoring import Grade, ItemRule, Line, Thresholds, score_file

D = Decimal
RULES = {
    "V01": ItemRule("V01", "veto", D(0)),
    "F01": ItemRule("F01", "form", D(15)),
    "F02": ItemRule("F02", "form", D(15)),
    "S01": ItemRule("S01", "substance", D(10)),
}
T = Thresholds(D(20), D(80), D(90), D(60))


def test_a_veto_gives_zero_whatever_the_deductions() -> None:
    s = score_file(RULES, T, [], ["V01"])
    assert (s.total, s.vetoed, s.grade) == (D(0), True, Grade.FAIL)
    s = score_file(RULES, T, [Line("S01", D("0.5"))], ["V01"])
    assert s.total == 0 and s.grade == Grade.FAIL


def test_deductions_never_go_below_zero_per_section() -> None:
    s = score_file(RULES, T, [Line("F01", D(15)), Line("F02", D(15)), Line("S01", D(10))], [])
    assert s.form == 0  # 30 deducted from 20 points: 0, not −10
    assert s.substance == D(70)
    assert s.total == D(70) and s.grade == Grade.PASS


def test_grades_at_the_thresholds() -> None:
    assert score_file(RULES, T, [Line("S01", D(10))], []).grade == Grade.EXCELLENT  # exactly 90
    below = score_file(RULES, T, [Line("S01", D(10)), Line("F01", D("0.1"))], [])
    assert (below.total, below.grade) == (D("89.9"), Grade.PASS)
    t = Thresholds(D(20), D(80), D(95), D(90))
    assert score_file(RULES, t, [Line("S01", D(10))], []).grade == Grade.PASS  # 90 = pass_min
    assert score_file(RULES, t, [Line("S01", D("10")), Line("F01", D("0.1"))], []).grade == Grade.FAIL


@pytest.mark.parametrize(
    ("lines", "vetoes", "code"),
    [
        ([Line("X99", D(1))], [], "unknown_item"),
        ([Line("F01", D(1)), Line("F01", D(1))], [], "duplicate_item"),
        ([Line("S01", D(11))], [], "deduction_too_large"),
        ([Line("V01", D(1))], [], "veto_not_deduction"),
        ([], ["F01"], "unknown_veto"),
    ],
)
def test_bad_lines_are_refused(lines: list[Line], vetoes: list[str], code: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        score_file(RULES, T, lines, vetoes)
    assert exc.value.code == code
