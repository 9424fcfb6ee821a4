"""统一社会信用代码 (unified social credit code, GB 32100-2015), with the organisation code inside it
(GB 11714-1997).

Structure (18 characters from 0–9 and A–Z without I, O, Z, S, V):

| positions | part | rule |
|---|---|---|
| 1 | registration authority (登记管理部门代码) | any character of the set |
| 2 | organisation category (机构类别代码) | any character of the set |
| 3–8 | region of the registering authority (GB/T 2260) | digits |
| 9–17 | subject identifier = organisation code (主体标识码，GB 11714) | 8 body characters + its own check character (0–9 or X) |
| 18 | check character | GB 32100: weights 3^i mod 31 |

The check of position 18: with the characters' values v_i (their index in the set) and weights
1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28, the check value is 31 − (Σ v_i·w_i mod
31), where 31 becomes 0. The organisation code's check (position 17): body values (digits 0–9, letters
A=10 … Z=35) with weights 3, 7, 9, 10, 5, 8, 4, 2; the check is 11 − (Σ mod 11), 10 written X and 11
written 0.

Not checked, on purpose: the first two characters against the standard's table (amendments have added
authorities and categories, and a refusal of a real enterprise's code would lock it out of the target
directory) and the region against GB/T 2260 (codes keep the region of their first registration, even
one abolished since). The two check characters already catch every single-character typo.

`parse()` refuses with `InvalidCreditCode` (400) whose Chinese message says what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from zhifa.core.errors import InvalidInput

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


class InvalidCreditCode(InvalidInput):
    code = "invalid_credit_code"


@dataclass(frozen=True)
class CreditCode:
    code: str

    @property
    def authority(self) -> str:
        """登记管理部门代码 (e.g. 9 工商/市场监管, 5 民政, 1 机构编制)."""
        return self.code[0]

    @property
    def category(self) -> str:
        """机构类别代码 (e.g. after 9: 1 企业, 2 个体工商户, 3 农民专业合作社)."""
        return self.code[1]

    @property
    def region(self) -> str:
        return self.code[2:8]

    @property
    def organisation_code(self) -> str:
        """The 9-character organisation code, usually written with a hyphen: XXXXXXXX-X."""
        return self.code[8:17]


def normalise(value: str) -> str:
    """Trim, drop spaces and hyphens, full-width → half-width (phones with Chinese IMEs), upper-case."""
    out = []
    for raw in (value or "").strip():
        code = ord(raw)
        ch = chr(code - 0xFEE0) if 0xFF01 <= code <= 0xFF5E else raw
        if ch not in " -\u3000":
            out.append(ch)
    return "".join(out).upper()


def check_char(first17: str) -> str:
    """The 18th character for the first 17 (GB 32100-2015)."""
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def _org_value(ch: str) -> int:
    return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10


def org_code_check_char(body8: str) -> str:
    """The 9th character of an organisation code for its 8 body characters (GB 11714-1997)."""
    total = sum(_org_value(c) * w for c, w in zip(body8, ORG_CODE_WEIGHTS, strict=True))
    value = 11 - total % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


def make(prefix8: str, body8: str) -> str:
    """A valid code from its first 8 characters (authority, category, region) and the 8 body characters
    of its organisation code: both check characters computed. For tests, factories and demos."""
    first17 = prefix8 + body8 + org_code_check_char(body8)
    return first17 + check_char(first17)


def parse(value: str, *, field: str = "credit_code", check_org_code: bool = True) -> CreditCode:
    """A valid code, normalised; `check_org_code=False` skips the organisation code's own check (the
    older party-id check of cases, whose test data predates it)."""
    v = normalise(value)
    detail = {"field": field}
    if len(v) != 18 or any(c not in CHARSET for c in v):
        raise InvalidCreditCode(
            _(
                "A unified social credit code has 18 characters, digits and capital letters except "
                "I, O, Z, S and V."
            ),
            detail=detail,
        )
    if not v[2:8].isdigit():
        raise InvalidCreditCode(
            _("Characters 3 to 8 of a unified social credit code are the region code (digits)."),
            detail=detail,
        )
    if check_char(v[:17]) != v[17]:
        raise InvalidCreditCode(
            _("The unified social credit code's check character is wrong: please check it again."),
            detail=detail,
        )
    if check_org_code:
        if not (v[16].isdigit() or v[16] == "X"):
            raise InvalidCreditCode(
                _(
                    "Characters 9 to 17 of a unified social credit code are the organisation code, "
                    "whose last character is a digit or X."
                ),
                detail=detail,
            )
        if org_code_check_char(v[8:16]) != v[16]:
            raise InvalidCreditCode(
                _(
                    "The organisation code inside the unified social credit code (characters 9 to 17) "
                    "fails its own check (GB 11714): please check it again."
                ),
                detail=detail,
            )
    return CreditCode(v)


def validate(value: str, *, field: str = "credit_code", check_org_code: bool = True) -> str:
    """The normalised code, or InvalidCreditCode."""
    return parse(value, field=field, check_org_code=check_org_code).code
