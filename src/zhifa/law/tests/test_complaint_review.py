"""信访工作条例第三十五条、第三十六条: 复查 and 复核 go up a level, each within 30 days."""

import datetime as dt

import pytest

from zhifa.core.errors import RuleViolation
from zhifa.law.complaints import ReviewLevel, check_review_request

D = dt.date


@pytest.mark.django_db
class TestReviewRequest:
    def test_day_30_is_in_time_and_day_31_is_late(self) -> None:
        due = check_review_request(
            level=ReviewLevel.REVIEW,
            previous_level=None,
            answer_received_on=D(2025, 6, 3),
            requested_on=D(2025, 7, 3),
            body_is_level_above=True,
        )
        assert due == D(2025, 8, 4)  # 30 days after 7-03 is Sat 8-02 → Mon 8-04
        with pytest.raises(RuleViolation) as exc:
            check_review_request(
                level=ReviewLevel.REVIEW,
                previous_level=None,
                answer_received_on=D(2025, 6, 3),
                requested_on=D(2025, 7, 4),
                body_is_level_above=True,
            )
        assert exc.value.code == "complaint_review_late"
        assert "信访工作条例第三十五条" in str(exc.value.message)

    def test_the_same_unit_is_not_the_statutory_review(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            check_review_request(
                level=ReviewLevel.REVIEW,
                previous_level=None,
                answer_received_on=D(2025, 6, 3),
                requested_on=D(2025, 6, 10),
                body_is_level_above=False,
            )
        assert exc.value.code == "complaint_review_not_level_above"

    def test_re_review_follows_a_review_and_nothing_follows_a_re_review(self) -> None:
        with pytest.raises(RuleViolation):
            check_review_request(
                level=ReviewLevel.RE_REVIEW,
                previous_level=None,
                answer_received_on=D(2025, 6, 3),
                requested_on=D(2025, 6, 10),
                body_is_level_above=True,
            )
        check_review_request(
            level=ReviewLevel.RE_REVIEW,
            previous_level=ReviewLevel.REVIEW,
            answer_received_on=D(2025, 6, 3),
            requested_on=D(2025, 6, 10),
            body_is_level_above=True,
        )
        with pytest.raises(RuleViolation) as exc:
            check_review_request(
                level=ReviewLevel.RE_REVIEW,
                previous_level=ReviewLevel.RE_REVIEW,
                answer_received_on=D(2025, 6, 3),
                requested_on=D(2025, 6, 10),
                body_is_level_above=True,
            )
        assert exc.value.code == "complaint_review_final"
