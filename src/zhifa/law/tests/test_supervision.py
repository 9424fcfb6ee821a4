"""The supervision thresholds at their edges (law/supervision.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhifa.law import supervision as law
from zhifa.law.jurisdiction import REGISTRY

D = dt.date


def test_the_last_day_itself_is_in_time_and_grace_days_move_the_line() -> None:
    assert not law.past_due(D(2025, 6, 24), today=D(2025, 6, 24), grace_days=0)
    assert law.past_due(D(2025, 6, 24), today=D(2025, 6, 25), grace_days=0)
    assert not law.past_due(D(2025, 6, 24), today=D(2025, 6, 27), grace_days=3)
    assert law.past_due(D(2025, 6, 24), today=D(2025, 6, 28), grace_days=3)
    assert law.past_due(D(2025, 6, 24), today=D(2025, 6, 25), grace_days=-5)  # never before the day


def test_the_tier_maximum_share_is_more_than_the_share_from_the_minimum_number_of_cases() -> None:
    share = Decimal("50")
    assert not law.share_exceeded(5, 10, share_percent=share, min_cases=5)  # exactly 50 %
    assert law.share_exceeded(6, 10, share_percent=share, min_cases=5)
    assert not law.share_exceeded(4, 4, share_percent=share, min_cases=5)  # too few cases
    assert law.share_exceeded(3, 5, share_percent=share, min_cases=5)
    assert not law.share_exceeded(0, 0, share_percent=share, min_cases=0)


def test_pairs_and_reopenings_at_their_edges() -> None:
    assert not law.too_many_per_day(10, limit=10)
    assert law.too_many_per_day(11, limit=10)
    assert not law.reopened_too_often(1, limit=2)
    assert law.reopened_too_often(2, limit=2)


@pytest.mark.django_db
def test_lead_period_counts_working_days_and_the_rectification_period_natural_days() -> None:
    assert law.lead_filing_period(15).end(D(2025, 6, 3)) == D(2025, 6, 24)
    assert law.rectification_period(30).end(D(2025, 6, 30)) == D(2025, 7, 30)
    assert law.rectification_period(20).end(D(2025, 6, 30)) == D(2025, 7, 21)  # 07-20 is a Sunday


def test_annual_statistics_are_due_on_31_january_and_only_for_an_ended_year() -> None:
    assert law.annual_statistics_due(2025) == D(2026, 1, 31)
    assert not law.annual_statistics_publishable(2025, today=D(2025, 12, 31))
    assert law.annual_statistics_publishable(2025, today=D(2026, 1, 1))


def test_every_threshold_is_a_registered_setting_with_a_basis() -> None:
    keys = [k for k in REGISTRY if k.startswith("supervision.")]
    assert len(keys) == 13
    assert all(REGISTRY[k].basis for k in keys)
