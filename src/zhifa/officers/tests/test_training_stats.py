"""Training, exams and the yearly rates per agency, against hand-counted fixtures."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from zhifa.core.errors import Conflict, Forbidden, InvalidInput
from zhifa.law.services import jurisdiction_setting_set
from zhifa.officers import services
from zhifa.officers.factories import make_credential, make_officer
from zhifa.officers.services_training import exam_result_record, exam_session_create, training_record_add
from zhifa.officers.stats import agency_year_stats

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2025, 11, 20, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def city(world):
    """Agency A, hand-counted for 2025:

    | officer | credential | hours (legal days) | exam |
    | o1 | valid     | 30 legal (4 days) + 12 online = 42 | 90 (pass, excellent) |
    | o2 | valid     | 40 group (+ 50 in 2024, ignored)   | 60 (pass) |
    | o3 | suspended | 39.5 online                        | 59.5 (fail) |
    | o4 | none      | —                                  | absent (fail) |
    | o5 | valid, out of service | 100 (ignored)          | — |

    → 4 officers, 2 credentialed (50.0 %), average hours 121.5 / 4 = 30.4, 2 of 4 meet 40 h (50.0 %),
    exams 2 of 4 passed (50.0 %), 1 of 4 excellent (25.0 %). Agency B: 1 officer, credentialed, no exam.
    """
    o = {}
    for key in ("o1", "o2", "o3", "o4", "o5"):
        o[key] = make_officer(agency=world.agency_a, name=key)
    for key in ("o1", "o2", "o3", "o5"):
        make_credential(o[key], issued_on=D(2025, 3, 1), expires_on=D(2030, 2, 28))
    services.credential_suspend(actor=None, credential_id=o["o3"].credentials.get().pk, reason="停职")
    services.officer_update(actor=None, officer_id=o["o5"].pk, data={"is_active": False})
    add = lambda key, kind, hours, day, days=0: training_record_add(  # noqa: E731
        actor=world.admin,
        officer_id=o[key].pk,
        kind=kind,
        title=f"{kind}-{day}",
        held_on=day,
        hours=hours,
        days=days,
        points=1,
    )
    add("o1", "legal_training", "30", D(2025, 4, 1), days=4)
    add("o1", "online_study", "12", D(2025, 5, 1))
    add("o2", "group_study", "40", D(2025, 6, 1))
    add("o2", "group_study", "50", D(2024, 6, 1))
    add("o3", "online_study", "39.5", D(2025, 6, 2))
    add("o5", "group_study", "100", D(2025, 6, 3))
    exam = exam_session_create(
        actor=world.admin,
        organiser=world.city,
        kind="annual",
        title="2025年度法律知识考试",
        held_on=D(2025, 10, 10),
    )
    for key, score in (("o1", "90"), ("o2", "60"), ("o3", "59.5")):
        exam_result_record(actor=world.admin, session_id=exam.pk, officer_id=o[key].pk, score=score)
    exam_result_record(actor=world.admin, session_id=exam.pk, officer_id=o["o4"].pk, absent=True)
    b1 = make_officer(agency=world.agency_b, name="b1", areas=["市场监管"])
    make_credential(b1, issued_on=D(2025, 3, 1), expires_on=D(2030, 2, 28), areas=["市场监管"])
    return o


def stats_for(user, agency, year=2025):
    return {s.agency.pk: s for s in agency_year_stats(user=user, year=year)}[agency.pk]


def test_rates_match_the_hand_count(world, city) -> None:
    a = stats_for(world.supervisor, world.agency_a)
    assert (a.officers, a.credentialed, a.credential_rate) == (4, 2, Decimal("50.0"))
    assert a.hours_total == Decimal("121.5") and a.hours_average == Decimal("30.4")
    assert (a.meeting_hours, a.meeting_hours_rate) == (2, Decimal("50.0"))
    assert a.meeting_days_rate == Decimal("0.0")
    assert (a.examined, a.passed, a.excellent) == (4, 2, 1)
    assert (a.pass_rate, a.excellent_rate) == (Decimal("50.0"), Decimal("25.0"))
    assert a.meets("credential_rate", "officers.credential_rate_target") is False
    b = stats_for(world.supervisor, world.agency_b)
    assert (b.officers, b.credentialed, b.credential_rate) == (1, 1, Decimal("100.0"))
    assert b.pass_rate is None and b.hours_average == Decimal("0.0")


def test_exam_thresholds_are_copied_from_the_jurisdiction_when_the_exam_is_created(world, city) -> None:
    jurisdiction_setting_set(actor=world.admin, node=world.city, key="officers.exam_pass_score", value="70")
    later = exam_session_create(
        actor=world.admin, organiser=world.city, kind="other", title="补考", held_on=D(2025, 11, 1)
    )
    assert later.pass_score == Decimal("70") and later.thresholds_source == world.city.name
    result = exam_result_record(actor=world.admin, session_id=later.pk, officer_id=city["o3"].pk, score="65")
    assert not result.passed
    first = city["o1"].exam_results.get()
    assert first.session.pass_score == Decimal("60")


def test_a_local_study_hours_target_changes_who_meets_it(world, city) -> None:
    jurisdiction_setting_set(
        actor=world.admin, node=world.city, key="officers.study_hours_target", value="39.5"
    )
    a = stats_for(world.supervisor, world.agency_a)
    assert a.meeting_hours == 3
    assert a.targets["officers.study_hours_target"].source == world.city.name


def test_past_year_credential_rate_is_taken_on_31_december(world, city) -> None:
    a = stats_for(world.supervisor, world.agency_a, year=2024)
    assert a.on == D(2024, 12, 31) and a.credentialed == 0  # credentials were issued in March 2025
    assert a.hours_average == Decimal("12.5")  # o2's 50 hours / 4 officers


def test_stats_are_scoped_and_take_constant_queries(
    world, city, django_assert_num_queries, django_assert_max_num_queries
) -> None:
    assert [s.agency.pk for s in agency_year_stats(user=world.officer_a, year=2025)] == [world.agency_a.pk]
    # scope (cached after the first call), agencies, settings, officers, credentials, events, hours, exams
    from zhifa.org.models import User

    fresh = lambda: User.objects.get(pk=world.supervisor.pk)  # noqa: E731  (no cached scope)
    supervisor = fresh()
    with django_assert_max_num_queries(9) as first:
        agency_year_stats(user=supervisor, year=2025)
    for _ in range(5):
        make_credential(make_officer(agency=world.agency_b))
    supervisor = fresh()
    with django_assert_num_queries(len(first.captured_queries)):
        agency_year_stats(user=supervisor, year=2025)


def test_training_input_is_checked(world, city) -> None:
    officer = city["o1"]
    with pytest.raises(InvalidInput):
        training_record_add(
            actor=world.admin, officer_id=officer.pk, kind="nap", title="x", held_on=D(2025, 1, 1), hours="2"
        )
    with pytest.raises(InvalidInput):
        training_record_add(
            actor=world.admin,
            officer_id=officer.pk,
            kind="other",
            title="x",
            held_on=D(2025, 1, 1),
            hours="abc",
        )
    with pytest.raises(InvalidInput):
        training_record_add(
            actor=world.admin,
            officer_id=officer.pk,
            kind="other",
            title="x",
            held_on=D(2025, 1, 1),
            hours="2.25",
        )
    with pytest.raises(InvalidInput):
        training_record_add(
            actor=world.admin,
            officer_id=officer.pk,
            kind="other",
            title="x",
            held_on=D(2026, 1, 1),
            hours="2",
        )
    with pytest.raises(InvalidInput):  # a correction needs a note
        training_record_add(
            actor=world.admin,
            officer_id=officer.pk,
            kind="other",
            title="x",
            held_on=D(2025, 1, 1),
            hours="-2",
        )
    correction = training_record_add(
        actor=world.admin,
        officer_id=officer.pk,
        kind="online_study",
        title="更正",
        held_on=D(2025, 5, 1),
        hours="-2",
        note="重复登记",
    )
    assert correction.hours == Decimal("-2")
    with pytest.raises(Forbidden):
        training_record_add(
            actor=world.officer_a,
            officer_id=officer.pk,
            kind="other",
            title="x",
            held_on=D(2025, 1, 1),
            hours="2",
        )


def test_exam_result_input_is_checked(world, city) -> None:
    exam = exam_session_create(
        actor=world.admin, organiser=world.agency_a, kind="other", title="测验", held_on=D(2025, 9, 1)
    )
    with pytest.raises(InvalidInput):
        exam_result_record(actor=world.admin, session_id=exam.pk, officer_id=city["o1"].pk, score="101")
    with pytest.raises(InvalidInput):
        exam_result_record(
            actor=world.admin, session_id=exam.pk, officer_id=city["o1"].pk, score="80", absent=True
        )
    exam_result_record(actor=world.admin, session_id=exam.pk, officer_id=city["o1"].pk, score="85")
    with pytest.raises(Conflict):
        exam_result_record(actor=world.admin, session_id=exam.pk, officer_id=city["o1"].pk, score="86")
    with pytest.raises(Forbidden):
        exam_session_create(
            actor=world.officer_a, organiser=world.city, kind="other", title="x", held_on=D(2025, 9, 1)
        )


def test_each_officer_indicator_against_the_hand_counts(city, world) -> None:
    """The `city` table above: agency A alone, then A and B together (B: 1 officer, credentialed)."""
    from zhifa.core.indicators import DateSpan, indicator_value

    a, ab, y = [world.agency_a.pk], [world.agency_a.pk, world.agency_b.pk], DateSpan.year(2025)
    got = {
        code: indicator_value(code, a, y)
        for code in (
            "officers.credential_rate",
            "officers.study_hours_average",
            "officers.study_hours_rate",
            "officers.legal_training_rate",
            "officers.exam_pass_rate",
            "officers.exam_excellent_rate",
        )
    }
    assert (got["officers.credential_rate"].numerator, got["officers.credential_rate"].denominator) == (2, 4)
    assert got["officers.credential_rate"].value == Decimal("50.0")
    assert got["officers.study_hours_average"].value == Decimal("30.4")
    assert got["officers.study_hours_average"].numerator == Decimal("121.5")
    assert got["officers.study_hours_rate"].value == Decimal("50.0")
    assert got["officers.legal_training_rate"].value == Decimal("0.0")  # o1's 4 days are below the target
    assert got["officers.exam_pass_rate"].value == Decimal("50.0")
    assert got["officers.exam_excellent_rate"].value == Decimal("25.0")
    # 3 of 5 credentialed across both agencies (rates are combined from their parts, not averaged).
    both = indicator_value("officers.credential_rate", ab, y)
    assert (both.numerator, both.denominator, both.value) == (3, 5, Decimal("60.0"))
    # Nobody examined in B: no rate rather than 0 %.
    assert indicator_value("officers.exam_pass_rate", [world.agency_b.pk], y).value is None
