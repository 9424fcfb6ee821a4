"""统一社会信用代码 (GB 32100-2015) with the organisation code's own check (GB 11714-1997)."""

import pytest

from zhifa.core import credit_code as cc
from zhifa.core.identity import InvalidIdentity, validate_uscc

# Codes of real registered organisations in the format (both check characters hold).
REAL = ["91350100M000100Y43", "91110000600037341L", "91440300708461136T"]


def _hand_check(first17: str) -> str:
    """GB 32100 written out again: weights 3^i mod 31, check = (31 − sum mod 31) mod 31."""
    charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    total = sum(charset.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return charset[(31 - total % 31) % 31]


def _hand_org_check(body8: str) -> str:
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, weights, strict=True))
    return {10: "X", 11: "0"}.get(11 - total % 11, str(11 - total % 11))


class TestValidCodes:
    @pytest.mark.parametrize("code", REAL)
    def test_real_codes_pass_both_checks(self, code: str) -> None:
        parsed = cc.parse(code)
        assert parsed.code == code
        assert parsed.organisation_code == code[8:17]
        assert (parsed.authority, parsed.category, parsed.region) == (code[0], code[1], code[2:8])

    def test_the_weights_are_powers_of_three_mod_31(self) -> None:
        assert tuple(pow(3, i, 31) for i in range(17)) == cc.WEIGHTS

    @pytest.mark.parametrize(
        ("prefix", "body"),
        [
            ("91350900", "MA2Y3K4L"),  # an enterprise (9 工商, 1 企业)
            ("92350902", "L0000001"),  # an individual business (个体工商户)
            ("12350900", "48818763"),  # a public institution (事业单位)
            ("51350900", "50000007"),  # a social organisation (社会团体)
            ("93350900", "0000000A"),  # a farmers' cooperative
        ],
    )
    def test_codes_built_from_their_parts_are_valid(self, prefix: str, body: str) -> None:
        code = cc.make(prefix, body)
        assert code[16] == _hand_org_check(body)
        assert code[17] == _hand_check(code[:17])
        assert cc.validate(code) == code

    def test_the_organisation_check_x_and_0_cases_occur_and_pass(self) -> None:
        seen = {}
        for n in range(2000):
            body = f"{n:08d}"
            seen.setdefault(cc.org_code_check_char(body), body)
        assert {"X", "0"} <= set(seen)
        for body in (seen["X"], seen["0"]):
            assert cc.validate(cc.make("91350900", body))

    def test_the_check_character_0_occurs_and_passes(self) -> None:
        for n in range(5000):
            code = cc.make("91350900", f"{n:08d}")
            if code[17] == "0":
                assert cc.validate(code) == code
                return
        pytest.fail("no code with check character 0")

    def test_spaces_hyphens_lower_case_and_full_width_are_normalised(self) -> None:
        assert cc.validate(" 91110000-60003734-1l ") == "91110000600037341L"
        assert cc.validate("９１１１００００６０００３７３４１Ｌ") == "91110000600037341L"


class TestInvalidCodes:
    @pytest.mark.parametrize(
        "value",
        [
            "",
            "91110000600037341",  # 17 characters
            "91110000600037341LL",  # 19
            "9111000060003734IL",  # I is not used
            "9111000060003734OL",  # O
            "91110000Z00037341L",  # Z
            "91110000S00037341L",  # S
            "91110000V00037341L",  # V
            "9111000060003734#L",
        ],
    )
    def test_wrong_shapes_and_characters_are_refused(self, value: str) -> None:
        with pytest.raises(cc.InvalidCreditCode) as exc:
            cc.validate(value)
        assert exc.value.status == 400 and exc.value.code == "invalid_credit_code"
        assert exc.value.detail == {"field": "credit_code"}

    def test_every_single_character_change_is_caught(self) -> None:
        code = REAL[1]
        for pos in range(18):
            for ch in cc.CHARSET:
                if ch == code[pos]:
                    continue
                changed = code[:pos] + ch + code[pos + 1 :]
                with pytest.raises(cc.InvalidCreditCode):
                    cc.validate(changed)

    def test_two_swapped_neighbours_are_caught(self) -> None:
        code = REAL[2]
        for pos in range(17):
            if code[pos] != code[pos + 1]:
                swapped = code[:pos] + code[pos + 1] + code[pos] + code[pos + 2 :]
                with pytest.raises(cc.InvalidCreditCode):
                    cc.validate(swapped)

    def test_a_region_with_letters_is_refused(self) -> None:
        first17 = "91AB0000600037341"
        with pytest.raises(cc.InvalidCreditCode) as exc:
            cc.validate(first17 + cc.check_char(first17))
        assert "行政区划" in str(exc.value.message)

    def test_an_organisation_code_failing_its_own_check_is_refused_even_with_a_right_18th(self) -> None:
        first17 = "91350900MA00000017"[:17]  # organisation code MA0000001 + a wrong check
        assert cc.org_code_check_char(first17[8:16]) != first17[16]
        code = first17 + cc.check_char(first17)
        with pytest.raises(cc.InvalidCreditCode) as exc:
            cc.validate(code)
        assert "GB 11714" in str(exc.value.message)
        assert cc.validate(code, check_org_code=False) == code

    def test_an_organisation_code_ending_in_a_letter_other_than_x_is_refused(self) -> None:
        first17 = "91350900MA000000A"
        with pytest.raises(cc.InvalidCreditCode):
            cc.validate(first17 + cc.check_char(first17))

    def test_the_field_name_is_the_callers(self) -> None:
        with pytest.raises(cc.InvalidCreditCode) as exc:
            cc.validate("x", field="targets.credit_code")
        assert exc.value.detail == {"field": "targets.credit_code"}


class TestPartyIdsKeepTheirBehaviour:
    def test_validate_uscc_still_raises_invalid_identity_on_the_id_number_field(self) -> None:
        with pytest.raises(InvalidIdentity) as exc:
            validate_uscc("91110000600037342L")
        assert exc.value.detail == {"field": "id_number"} and exc.value.code == "invalid_id_number"

    def test_validate_uscc_does_not_apply_the_organisation_check_yet(self) -> None:
        first17 = "91350900MA0000001"  # how case factories build codes
        assert validate_uscc(first17 + cc.check_char(first17))
