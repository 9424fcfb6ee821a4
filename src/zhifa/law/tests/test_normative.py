"""Normative-document rules: numbering, publication, filing, validity, legality review, settings."""

import datetime as dt

import pytest

from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.law import jurisdiction
from zhifa.law import normative as rules
from zhifa.law.days import Due
from zhifa.law.normative import FilingReviewResult, Validity
from zhifa.law.services import jurisdiction_setting_set

D = dt.date


def refused(code: str, fn, /, **kwargs):  # type: ignore[no-untyped-def]
    with pytest.raises(RuleViolation) as exc:
        fn(**kwargs)
    assert exc.value.code == code
    assert exc.value.article and exc.value.article in str(exc.value.message)
    return exc.value


class TestNumber:
    def test_a_well_formed_number_is_parsed(self) -> None:
        number = rules.parse_number("海城管规〔2026〕3号", published_on=D(2026, 3, 1))
        assert (number.prefix, number.year, number.sequence) == ("海城管规", 2026, 3)
        assert str(number) == "海城管规〔2026〕3号"
        assert rules.parse_number(" 海政规〔2025〕12号 ").sequence == 12

    @pytest.mark.parametrize(
        ("typed", "suggestion"),
        [
            ("海城管规[2026]3号", "海城管规〔2026〕3号"),
            ("海城管规【2026】3号", "海城管规〔2026〕3号"),
            ("海城管规（2026）3号", "海城管规〔2026〕3号"),
            ("海城管规〔2026〕03号", "海城管规〔2026〕3号"),
            ("海城管规〔2026〕第3号", "海城管规〔2026〕3号"),
            ("海城管规 〔2026〕 3号", "海城管规〔2026〕3号"),
        ],
    )
    def test_a_malformed_number_is_refused_with_the_correction(self, typed: str, suggestion: str) -> None:
        error = refused("document_number_malformed", rules.parse_number, raw=typed)
        assert error.detail["suggestion"] == suggestion

    @pytest.mark.parametrize(
        "typed",
        ["海城管规〔26〕3号", "海城管规〔2026〕0号", "〔2026〕3号", "海城管规〔2026〕3", "HCG〔2026〕3号"],
    )
    def test_a_number_without_a_sensible_correction_is_refused_without_one(self, typed: str) -> None:
        error = refused("document_number_malformed", rules.parse_number, raw=typed)
        assert "suggestion" not in error.detail

    def test_the_year_is_the_year_of_publication(self) -> None:
        refused(
            "document_number_wrong_year",
            rules.parse_number,
            raw="海城管规〔2025〕3号",
            published_on=D(2026, 1, 5),
        )


class TestPublication:
    def test_a_document_takes_effect_on_or_after_publication(self) -> None:
        rules.check_effective_after_publication(published_on=D(2026, 3, 1), effective_on=D(2026, 3, 1))
        rules.check_effective_after_publication(published_on=D(2026, 3, 1), effective_on=D(2026, 4, 1))
        refused(
            "effective_before_publication",
            rules.check_effective_after_publication,
            published_on=D(2026, 3, 1),
            effective_on=D(2026, 2, 28),
        )
        refused(
            "effective_before_publication",
            rules.check_effective_after_publication,
            published_on=None,
            effective_on=D(2026, 2, 28),
        )

    def test_publication_needs_a_passing_review_and_deliberation(self) -> None:
        dates = {"published_on": D(2026, 3, 1), "effective_on": D(2026, 4, 1)}
        rules.check_publication(legality_review_passed=True, deliberated=True, **dates)
        refused(
            "legality_review_missing",
            rules.check_publication,
            legality_review_passed=False,
            deliberated=True,
            **dates,
        )
        refused(
            "deliberation_missing",
            rules.check_publication,
            legality_review_passed=True,
            deliberated=False,
            **dates,
        )


@pytest.mark.django_db
class TestFiling:
    def test_fifteen_days_by_default_and_a_last_day_in_the_holiday_moves(self, world) -> None:
        # published 18 Sep 2025: fifteen days end on 3 Oct (国庆) → 9 Oct
        due, applied = rules.filing_due(published_on=D(2025, 9, 18), agency=world.agency_a)
        assert due == Due(D(2025, 10, 9), False)
        assert (applied.value, applied.source) == (15, "national")
        assert "第二十一条" in applied.basis

    def test_filing_on_the_last_day_is_in_time_and_the_day_after_is_late_but_accepted(self, world) -> None:
        answer = rules.check_filing(
            published_on=D(2025, 9, 18), filed_on=D(2025, 10, 9), agency=world.agency_a
        )
        assert not answer.late
        answer = rules.check_filing(
            published_on=D(2025, 9, 18), filed_on=D(2025, 10, 10), agency=world.agency_a
        )
        assert answer.late and answer.timeliness.due.on == D(2025, 10, 9)

    def test_a_jurisdiction_setting_replaces_the_default_and_names_its_source(self, world) -> None:
        jurisdiction_setting_set(actor=world.admin, node=world.city, key="normative.filing_days", value="30")
        # thirty days from 18 Sep 2025 end on Saturday 18 Oct → Monday 20 Oct
        answer = rules.check_filing(
            published_on=D(2025, 9, 18), filed_on=D(2025, 10, 20), agency=world.agency_a
        )
        assert not answer.late
        assert answer.applied.value == 30 and answer.applied.source == world.city.name
        assert rules.check_filing(
            published_on=D(2025, 9, 18), filed_on=D(2025, 10, 21), agency=world.agency_a
        ).late
        # the national default still holds where nobody set a value
        assert rules.filing_due(published_on=D(2025, 9, 18), agency=None)[0].on == D(2025, 10, 9)

    def test_a_document_cannot_be_filed_before_it_is_published(self, world) -> None:
        refused(
            "filing_before_publication",
            rules.check_filing,
            published_on=None,
            filed_on=D(2025, 9, 18),
            agency=world.agency_a,
        )
        refused(
            "filing_before_publication",
            rules.check_filing,
            published_on=D(2025, 9, 18),
            filed_on=D(2025, 9, 17),
            agency=world.agency_a,
        )
        assert not rules.check_filing(
            published_on=D(2025, 9, 18), filed_on=D(2025, 9, 18), agency=world.agency_a
        ).late

    def test_the_filing_review_and_the_correction_periods(self, world) -> None:
        assert rules.filing_review_due(received_on=D(2025, 9, 3), agency=world.agency_a)[0].on == D(
            2025, 10, 9
        )
        assert rules.correction_due(notified_on=D(2025, 9, 3), agency=world.agency_a)[0].on == D(2025, 10, 9)

    def test_a_correction_lists_its_problems(self) -> None:
        assert (
            rules.check_filing_review_result(result="no_objection", problems="")
            == FilingReviewResult.NO_OBJECTION
        )
        with pytest.raises(InvalidInput):
            rules.check_filing_review_result(result="correction", problems="  ")
        assert (
            rules.check_filing_review_result(result="correction", problems="第五条增设罚款")
            == FilingReviewResult.CORRECTION
        )
        with pytest.raises(InvalidInput):
            rules.check_filing_review_result(result="fine", problems="")


@pytest.mark.django_db
class TestLegalityReview:
    def test_fifteen_working_days_by_default_across_the_national_day_holiday(self) -> None:
        due, applied = rules.legality_review_due(submitted_on=D(2025, 9, 26), agency=None)
        assert due.on == D(2025, 10, 23)
        assert "115号" in applied.basis

    def test_a_review_of_fewer_than_five_working_days_is_flagged(self) -> None:
        assert rules.review_too_quick(submitted_on=D(2025, 9, 26), reviewed_on=D(2025, 10, 9))  # 4 days
        assert not rules.review_too_quick(submitted_on=D(2025, 9, 26), reviewed_on=D(2025, 10, 10))

    def test_every_point_is_answered_and_a_pass_needs_all(self) -> None:
        all_yes = dict.fromkeys(rules.LEGALITY_CHECKLIST, True)
        assert rules.check_legality_checklist(all_yes, passing=True) == all_yes
        with pytest.raises(InvalidInput):
            rules.check_legality_checklist({"authority": True}, passing=False)
        one_no = {**all_yes, "no_new_penalty_or_licence": False}
        error = refused(
            "legality_checklist_failed", rules.check_legality_checklist, checklist=one_no, passing=True
        )
        assert error.detail["failed"] == ["no_new_penalty_or_licence"]
        assert rules.check_legality_checklist(one_no, passing=False)["no_new_penalty_or_licence"] is False

    def test_the_checklist_has_the_five_points_with_labels(self) -> None:
        assert list(rules.LEGALITY_CHECKLIST) == [
            "authority",
            "no_new_penalty_or_licence",
            "no_restriction_without_basis",
            "procedure",
            "consistent_with_higher_law",
        ]
        assert all(str(label) for label in rules.LEGALITY_CHECKLIST.values())


class TestValidity:
    def test_the_day_before_the_anniversary(self) -> None:
        assert rules.expires_on(D(2026, 3, 1), 5) == D(2031, 2, 28)
        assert rules.expires_on(D(2025, 1, 1), 5) == D(2029, 12, 31)
        assert rules.expires_on(D(2024, 2, 29), 5) == D(2029, 2, 28)
        assert rules.expires_on(D(2024, 3, 1), 4) == D(2028, 2, 29)
        with pytest.raises(InvalidInput):
            rules.expires_on(D(2026, 3, 1), 0)

    def test_standing_on_each_day(self) -> None:
        dates = {"published_on": D(2026, 2, 1), "effective_on": D(2026, 3, 1), "expires": D(2031, 2, 28)}
        assert rules.validity_on(on=D(2026, 1, 31), **dates) == Validity.NOT_PUBLISHED
        assert rules.validity_on(on=D(2026, 2, 28), **dates) == Validity.NOT_YET_EFFECTIVE
        assert rules.validity_on(on=D(2026, 3, 1), **dates) == Validity.VALID
        assert rules.validity_on(on=D(2031, 2, 28), **dates) == Validity.VALID
        assert rules.validity_on(on=D(2031, 3, 1), **dates) == Validity.EXPIRED
        assert rules.validity_on(on=D(2027, 5, 1), repealed_on=D(2027, 5, 1), **dates) == Validity.REPEALED
        assert rules.validity_on(on=D(2027, 4, 30), repealed_on=D(2027, 5, 1), **dates) == Validity.VALID
        assert (
            rules.validity_on(
                on=D(2040, 1, 1), published_on=D(2026, 2, 1), effective_on=D(2026, 3, 1), expires=None
            )
            == Validity.VALID
        )

    def test_repeal_of_a_published_document_once(self) -> None:
        rules.check_repeal(published_on=D(2026, 2, 1), repealed_on=D(2026, 2, 1), already_repealed=False)
        refused(
            "repeal_before_publication",
            rules.check_repeal,
            published_on=D(2026, 2, 1),
            repealed_on=D(2026, 1, 31),
            already_repealed=False,
        )
        refused(
            "repeal_before_publication",
            rules.check_repeal,
            published_on=None,
            repealed_on=D(2026, 1, 31),
            already_repealed=False,
        )
        refused(
            "already_repealed",
            rules.check_repeal,
            published_on=D(2026, 2, 1),
            repealed_on=D(2026, 5, 1),
            already_repealed=True,
        )

    @pytest.mark.django_db
    def test_validity_years_and_the_expiry_alert_are_settings(self, world) -> None:
        assert rules.validity_years(agency=world.agency_a).value == 5
        assert rules.validity_years(agency=world.agency_a, trial=True).value == 2
        jurisdiction_setting_set(
            actor=world.admin, node=world.city, key="normative.validity_years", value="3"
        )
        assert rules.validity_years(agency=world.agency_a).value == 3
        alert, applied = rules.expiry_alert_on(expires=D(2031, 2, 28), agency=world.agency_a)
        assert alert == D(2030, 11, 30) and applied.value == 90


def test_every_setting_is_registered_with_a_label_and_a_basis() -> None:
    from zhifa.law import litigation, reconsideration  # noqa: F401

    keys = [key for key in jurisdiction.REGISTRY if key.startswith("normative.")]
    assert sorted(keys) == sorted(
        [
            "normative.filing_days",
            "normative.legality_review_working_days",
            "normative.filing_review_days",
            "normative.correction_days",
            "normative.validity_years",
            "normative.trial_validity_years",
            "normative.expiry_alert_days",
        ]
    )
    for key in keys:
        spec = jurisdiction.spec(key)
        assert spec.basis and str(spec.label) and spec.kind is int and spec.default > 0
