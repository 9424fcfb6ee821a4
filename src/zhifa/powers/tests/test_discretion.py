"""The discretion check the case workflow calls: ranges and classification at their edges."""

from decimal import Decimal

import pytest

from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.law.discretion import AmountRange, BasisKind, basis_kind, classify, tier_inside_law, to_yuan
from zhifa.powers.discretion import AmountClass, classify_amount, permitted_range
from zhifa.powers.factories import make_item, tier
from zhifa.powers.models import PartyType

pytestmark = pytest.mark.django_db


def version_of(item):
    return item.published_version


@pytest.fixture
def fixed_item():
    # 城市建筑垃圾管理规定第二十二条第一款 style: 5,000–50,000 yuan with three tiers.
    return version_of(
        make_item(
            "T-FIX",
            party_type=PartyType.ORGANISATION,
            fine_min=5000,
            fine_max=50000,
            tiers=(tier("轻微", 5000, 15000), tier("一般", 15000, 30000), tier("严重", 30000, 50000)),
        )
    )


@pytest.fixture
def percent_item():
    # 城乡规划法第六十四条: 建设工程造价百分之五以上百分之十以下.
    return version_of(
        make_item(
            "T-PCT",
            fine_min=5,
            fine_max=10,
            fine_basis="建设工程造价%",
            tiers=(tier("按期改正", 5, 5), tier("逾期不改正", 10, 10)),
        )
    )


def test_exactly_the_legal_minimum_is_within_the_tier(fixed_item) -> None:
    assert (
        classify_amount(version=fixed_item, tier_name="轻微", party_kind="organisation", amount="5000.00")
        == AmountClass.WITHIN_TIER
    )


def test_one_fen_below_the_legal_minimum_is_below_the_minimum(fixed_item) -> None:
    assert (
        classify_amount(version=fixed_item, tier_name="轻微", party_kind="organisation", amount="4999.99")
        == AmountClass.BELOW_LEGAL_MINIMUM
    )


def test_exactly_the_legal_maximum_is_within_and_one_fen_more_is_above(fixed_item) -> None:
    kwargs = {"version": fixed_item, "tier_name": "严重", "party_kind": "organisation"}
    assert classify_amount(amount=Decimal("50000"), **kwargs) == AmountClass.WITHIN_TIER
    assert classify_amount(amount=Decimal("50000.01"), **kwargs) == AmountClass.ABOVE_LEGAL_MAXIMUM


def test_an_amount_inside_the_law_but_outside_the_tier_is_reported_as_such(fixed_item) -> None:
    kwargs = {"version": fixed_item, "party_kind": "organisation"}
    assert (
        classify_amount(tier_name="轻微", amount="15000.01", **kwargs) == AmountClass.OUTSIDE_TIER_WITHIN_LAW
    )
    assert (
        classify_amount(tier_name="一般", amount="14999.99", **kwargs) == AmountClass.OUTSIDE_TIER_WITHIN_LAW
    )
    assert classify_amount(tier_name="一般", amount="15000", **kwargs) == AmountClass.WITHIN_TIER


def test_permitted_range_of_a_fixed_tier_is_in_yuan(fixed_item) -> None:
    r = permitted_range(version=fixed_item, tier_name="一般", party_kind="organisation")
    assert (r.min, r.max) == (Decimal("15000.00"), Decimal("30000.00"))


def test_percentage_basis_is_computed_from_the_project_cost(percent_item) -> None:
    r = permitted_range(
        version=percent_item, tier_name="按期改正", party_kind="person", base_amount="1000000"
    )
    assert (r.min, r.max) == (Decimal("50000.00"), Decimal("50000.00"))
    kwargs = {"version": percent_item, "party_kind": "organisation", "base_amount": Decimal("1000000")}
    assert classify_amount(tier_name="按期改正", amount="50000", **kwargs) == AmountClass.WITHIN_TIER
    assert (
        classify_amount(tier_name="按期改正", amount="49999.99", **kwargs) == AmountClass.BELOW_LEGAL_MINIMUM
    )
    assert (
        classify_amount(tier_name="按期改正", amount="80000", **kwargs) == AmountClass.OUTSIDE_TIER_WITHIN_LAW
    )
    assert (
        classify_amount(tier_name="逾期不改正", amount="100000.01", **kwargs)
        == AmountClass.ABOVE_LEGAL_MAXIMUM
    )


def test_percentage_bounds_round_so_that_no_fine_crosses_the_law(percent_item) -> None:
    # 5 % of 1,234,567.89 is 61,728.3945: the smallest lawful fine in fen is 61,728.40;
    # 10 % is 123,456.789: the largest lawful fine is 123,456.78.
    kwargs = {"version": percent_item, "party_kind": "person", "base_amount": "1234567.89"}
    assert (
        classify_amount(tier_name="按期改正", amount="61728.39", **kwargs) == AmountClass.BELOW_LEGAL_MINIMUM
    )
    assert classify_amount(tier_name="按期改正", amount="61728.40", **kwargs) == AmountClass.WITHIN_TIER
    assert classify_amount(tier_name="逾期不改正", amount="123456.78", **kwargs) == AmountClass.WITHIN_TIER
    assert (
        classify_amount(tier_name="逾期不改正", amount="123456.79", **kwargs)
        == AmountClass.ABOVE_LEGAL_MAXIMUM
    )


def test_percentage_basis_without_a_base_amount_is_refused(percent_item) -> None:
    with pytest.raises(InvalidInput) as exc:
        permitted_range(version=percent_item, tier_name="按期改正", party_kind="person")
    assert exc.value.code == "base_amount_required"


def test_no_floor_means_anything_up_to_the_maximum() -> None:
    version = version_of(make_item("T-NOFLOOR", fine_max=20000))  # 城市道路管理条例第四十二条: 2万元以下
    kwargs = {"version": version, "tier_name": None, "party_kind": "person"}
    assert classify_amount(amount="0.01", **kwargs) == AmountClass.WITHIN_TIER
    assert classify_amount(amount="20000", **kwargs) == AmountClass.WITHIN_TIER
    assert classify_amount(amount="20000.01", **kwargs) == AmountClass.ABOVE_LEGAL_MAXIMUM
    r = permitted_range(**kwargs)
    assert (r.min, r.max) == (None, Decimal("20000.00"))


def test_a_tier_without_a_floor_starts_at_the_legal_minimum() -> None:
    version = version_of(
        make_item("T-TIERFLOOR", fine_min=1000, fine_max=3000, tiers=(tier("轻微", None, 2000),))
    )
    r = permitted_range(version=version, tier_name="轻微", party_kind="person")
    assert (r.min, r.max) == (Decimal("1000.00"), Decimal("2000.00"))


def test_an_item_without_a_statutory_amount_reports_no_statutory_range() -> None:
    # 城市市容和环境卫生管理条例第三十四条 leaves the amount to local rules.
    version = version_of(make_item("T-NONE", fine_min=None, fine_max=None))
    assert (
        classify_amount(version=version, tier_name=None, party_kind="person", amount="50")
        == AmountClass.NO_STATUTORY_RANGE
    )
    assert permitted_range(version=version, tier_name=None, party_kind="person") == AmountRange(None, None)


def test_per_unit_and_multiple_bases_multiply_the_base() -> None:
    area = version_of(make_item("T-AREA", fine_min=300, fine_max=3000, fine_basis="元/平方米建筑面积"))
    r = permitted_range(version=area, tier_name=None, party_kind="person", base_amount="12.5")
    assert (r.min, r.max) == (Decimal("3750.00"), Decimal("37500.00"))
    trees = version_of(make_item("T-TREES", fine_min=5, fine_max=10, fine_basis="所砍伐树木价值倍数"))
    r = permitted_range(version=trees, tier_name=None, party_kind="person", base_amount="800")
    assert (r.min, r.max) == (Decimal("4000.00"), Decimal("8000.00"))


def test_an_item_for_organisations_refuses_a_person(fixed_item) -> None:
    with pytest.raises(RuleViolation) as exc:
        classify_amount(version=fixed_item, tier_name="轻微", party_kind="person", amount="5000")
    assert exc.value.code == "party_type_mismatch"
    assert "行政处罚法第四条" in str(exc.value.message)


def test_unknown_tier_and_missing_tier_are_refused(fixed_item) -> None:
    with pytest.raises(InvalidInput) as exc:
        classify_amount(version=fixed_item, tier_name="特别严重", party_kind="organisation", amount="5000")
    assert exc.value.code == "unknown_tier"
    with pytest.raises(InvalidInput) as exc:
        classify_amount(version=fixed_item, tier_name="", party_kind="organisation", amount="5000")
    assert exc.value.code == "tier_required"


@pytest.mark.parametrize("amount", ["-1", "abc", "NaN", "Infinity"])
def test_hostile_amounts_are_refused(fixed_item, amount) -> None:
    with pytest.raises(InvalidInput):
        classify_amount(version=fixed_item, tier_name="轻微", party_kind="organisation", amount=amount)


# --- the pure rules --------------------------------------------------------------------------------


def test_basis_kinds_of_the_shared_data() -> None:
    assert basis_kind("fixed") is BasisKind.FIXED
    assert basis_kind("") is BasisKind.FIXED
    assert basis_kind("建设工程造价%") is BasisKind.PERCENT
    assert basis_kind("临时建设工程造价%") is BasisKind.PERCENT
    assert basis_kind("所砍伐树木价值倍数") is BasisKind.MULTIPLE
    assert basis_kind("元/泊位") is BasisKind.PER_UNIT
    with pytest.raises(ValueError):
        basis_kind("按情节")


def test_to_yuan_rounds_minimum_up_and_maximum_down() -> None:
    assert to_yuan(Decimal("5"), kind=BasisKind.PERCENT, base=Decimal("0.3"), bound="min") == Decimal("0.02")
    assert to_yuan(Decimal("5"), kind=BasisKind.PERCENT, base=Decimal("0.3"), bound="max") == Decimal("0.01")


def test_the_law_is_checked_before_the_tier() -> None:
    legal = AmountRange(Decimal("100"), Decimal("200"))
    wide_tier = AmountRange(Decimal("0"), Decimal("1000"))  # never stored (validation refuses it)
    assert classify(Decimal("500"), legal=legal, tier=wide_tier) == AmountClass.ABOVE_LEGAL_MAXIMUM
    assert classify(Decimal("50"), legal=legal, tier=wide_tier) == AmountClass.BELOW_LEGAL_MINIMUM


@pytest.mark.parametrize(
    ("tier_min", "tier_max", "ok"),
    [
        (5000, 15000, True),
        (4999, 15000, False),
        (30000, 50001, False),
        (None, 10000, True),
        (None, 1000, False),
        (20, 10, False),
        (60000, None, False),
    ],
)
def test_tier_inside_law(tier_min, tier_max, ok) -> None:
    def d(v):
        return None if v is None else Decimal(v)

    assert (
        tier_inside_law(tier_min=d(tier_min), tier_max=d(tier_max), legal_min=d(5000), legal_max=d(50000))
        is ok
    )
