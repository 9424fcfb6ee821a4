"""Identity numbers of parties: 居民身份证号码 (GB 11643-1999) and 统一社会信用代码 (GB 32100-2015).

Both carry a check character computed from the others, so a typo is caught at entry instead of
surfacing months later on a served decision that names the wrong person or company. The functions
normalise (strip, upper-case, full-width → half-width) and return the canonical value, or raise
`InvalidIdentity` (400) whose message says what is wrong in Chinese.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.core import credit_code
from zhifa.core.errors import InvalidInput


class InvalidIdentity(InvalidInput):
    code = "invalid_id_number"


# GB 11643-1999: weight of position i (0-based, left to right) is 2^(17-i) mod 11.
RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_CHECK = "10X98765432"  # indexed by (weighted sum mod 11)

# First two digits: the province-level region (GB/T 2260), plus 81/82/83 for the residence permits of
# Hong Kong, Macao and Taiwan residents, which use the same 18-digit format.
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
        "65", "71", "81", "82", "83",
    }
)  # fmt: skip

# GB 32100-2015: 31 characters (no I, O, Z, S, V) and the weights 3^i mod 31 (zhifa.core.credit_code).
USCC_CHARSET = credit_code.CHARSET
USCC_WEIGHTS = credit_code.WEIGHTS


def _normalise(value: str) -> str:
    # Officers type on phones with Chinese IMEs: full-width digits and letters are common.
    out = []
    for raw in (value or "").strip():
        code = ord(raw)
        ch = chr(code - 0xFEE0) if 0xFF01 <= code <= 0xFF5E else raw
        if ch not in " -":
            out.append(ch)
    return "".join(out).upper()


def resident_id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, RESIDENT_ID_WEIGHTS, strict=True))
    return RESIDENT_ID_CHECK[total % 11]


def validate_resident_id(value: str, *, today: dt.date | None = None) -> str:
    """An 18-digit 居民身份证号码: region, birth date (a real date, not in the future), sequence, check."""
    v = _normalise(value)
    if len(v) != 18 or not v[:17].isdigit() or not (v[17].isdigit() or v[17] == "X"):
        raise InvalidIdentity(
            _("A resident ID number has 18 characters: 17 digits and a final digit or X."),
            detail={"field": "id_number"},
        )
    if v[:2] not in PROVINCE_CODES:
        raise InvalidIdentity(
            _("The resident ID number does not start with a valid region code."),
            detail={"field": "id_number"},
        )
    try:
        born = dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        raise InvalidIdentity(
            _("The birth date inside the resident ID number is not a real date."),
            detail={"field": "id_number"},
        ) from None
    if born.year < 1900 or born > (today or timezone.localdate()):
        raise InvalidIdentity(
            _("The birth date inside the resident ID number is not plausible."),
            detail={"field": "id_number"},
        )
    if resident_id_check_char(v[:17]) != v[17]:
        raise InvalidIdentity(
            _("The resident ID number's check digit is wrong: please check every digit again."),
            detail={"field": "id_number"},
        )
    return v


def uscc_check_char(first17: str) -> str:
    return credit_code.check_char(first17)


def validate_uscc(value: str) -> str:
    """An 18-character 统一社会信用代码 of an organisation (GB 32100-2015), check character included.

    The full rules live in `zhifa.core.credit_code`; a party's id is checked without the organisation
    code's own check (GB 11714) for now, as existing test and demo data were generated without it —
    the target directory of inspections uses the full check."""
    try:
        return credit_code.validate(value, field="id_number", check_org_code=False)
    except credit_code.InvalidCreditCode as exc:
        raise InvalidIdentity(exc.message, detail={"field": "id_number"}) from None


def validate_party_id(*, kind: str, value: str) -> str:
    """`kind` is "person" (身份证) or "organisation" (统一社会信用代码)."""
    if kind == "person":
        return validate_resident_id(value)
    if kind == "organisation":
        return validate_uscc(value)
    raise InvalidIdentity(_("Unknown party kind."), detail={"field": "kind"})
