import datetime as dt

import pytest

from zhifa.core.identity import (
    InvalidIdentity,
    resident_id_check_char,
    uscc_check_char,
    validate_party_id,
    validate_resident_id,
    validate_uscc,
)


def _with_check(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


class TestResidentId:
    def test_the_standard_example_is_accepted(self) -> None:
        assert validate_resident_id("11010519491231002X") == "11010519491231002X"

    def test_lower_case_x_full_width_digits_and_spaces_are_normalised(self) -> None:
        assert validate_resident_id(" 11010519491231002x ") == "11010519491231002X"
        assert validate_resident_id("１１０１０５１９４９１２３１００２Ｘ") == "11010519491231002X"

    def test_a_single_wrong_digit_is_caught_by_the_check_digit(self) -> None:
        with pytest.raises(InvalidIdentity) as exc:
            validate_resident_id("11010519491231003X")
        assert exc.value.status == 400
        assert exc.value.code == "invalid_id_number"

    def test_every_check_digit_value_round_trips(self) -> None:
        seen = set()
        for seq in range(200):
            number = _with_check(f"35010219900307{seq:03d}")
            seen.add(number[-1])
            assert validate_resident_id(number) == number
        assert "X" in seen and "0" in seen

    @pytest.mark.parametrize(
        "value",
        [
            "",
            "11010519491231002",  # 17 characters
            "11010519491231002XX",  # 19
            "1101051949123100AX",  # a letter inside
        ],
    )
    def test_wrong_shapes_are_refused(self, value: str) -> None:
        with pytest.raises(InvalidIdentity):
            validate_resident_id(value)

    def test_an_impossible_birth_date_is_refused(self) -> None:
        with pytest.raises(InvalidIdentity):
            validate_resident_id(_with_check("35010219900230123"))  # 30 February

    def test_a_birth_date_in_the_future_is_refused(self) -> None:
        with pytest.raises(InvalidIdentity):
            validate_resident_id(_with_check("35010220990101123"), today=dt.date(2025, 1, 1))

    def test_an_unknown_region_is_refused(self) -> None:
        with pytest.raises(InvalidIdentity):
            validate_resident_id(_with_check("99010219900307123"))


class TestUnifiedSocialCreditCode:
    @pytest.mark.parametrize("value", ["91350100M000100Y43", "91110000600037341L", "91440300708461136T"])
    def test_real_codes_are_accepted(self, value: str) -> None:
        assert validate_uscc(value) == value

    def test_lower_case_is_normalised(self) -> None:
        assert validate_uscc("91110000600037341l") == "91110000600037341L"

    def test_a_changed_character_is_caught(self) -> None:
        with pytest.raises(InvalidIdentity):
            validate_uscc("91110000600037342L")

    def test_letters_outside_the_charset_are_refused(self) -> None:
        # I, O, Z, S, V are never used (they look like digits)
        with pytest.raises(InvalidIdentity):
            validate_uscc("9111000060003734IL")

    def test_the_region_part_must_be_digits(self) -> None:
        first17 = "91AB0000600037341"
        with pytest.raises(InvalidIdentity):
            validate_uscc(first17 + uscc_check_char(first17))

    def test_check_character_zero_when_the_sum_is_a_multiple_of_31(self) -> None:
        for n in range(10_000):
            first17 = f"9135010000{n:07d}"
            if uscc_check_char(first17) == "0":
                assert validate_uscc(first17 + "0")
                break
        else:
            pytest.fail("no code with check character 0 found")


class TestDispatchByPartyKind:
    def test_person_uses_the_resident_id(self) -> None:
        assert validate_party_id(kind="person", value="11010519491231002X")
        with pytest.raises(InvalidIdentity):
            validate_party_id(kind="person", value="91110000600037341L")

    def test_organisation_uses_the_credit_code(self) -> None:
        assert validate_party_id(kind="organisation", value="91110000600037341L")
        with pytest.raises(InvalidIdentity):
            validate_party_id(kind="organisation", value="11010519491231002X")

    def test_unknown_kind_is_refused(self) -> None:
        with pytest.raises(InvalidIdentity):
            validate_party_id(kind="robot", value="x")
