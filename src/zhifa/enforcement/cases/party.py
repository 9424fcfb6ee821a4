"""The party (当事人) of a case as the forms and the API give it. A lead (线索) may be registered before
anyone knows who did it; filing (立案) needs the party, since the 立案审批表 and every later document
name it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.core.errors import InvalidInput
from zhifa.core.identity import validate_party_id
from zhifa.enforcement.cases import fields
from zhifa.enforcement.cases.models import Case, PartyKind
from zhifa.law import capacity

PHONE_CHARS = set("0123456789+-() ")
KEYS = ("kind", "name", "id_number", "phone", "address")


def _person_id(party: dict[str, Any], today: dt.date) -> tuple[str, str, dt.date | None]:
    """A person's ID: the 18-digit resident ID (checked), the old 15-digit one (its birth date checked),
    or — `id_type` "other" — a foreign or missing document, whose age comes from the birth date
    (行政处罚法第三十条 needs the age on the day of the act). Returns (id_type, id_number, born)."""
    id_type = fields.choice(party, "id_type", ["", "resident", "other"], required=False)
    born_given = fields.date(party, "birth_date")
    if born_given is not None and born_given > today:
        raise InvalidInput(_("The date of birth cannot be in the future."), detail={"field": "birth_date"})
    if id_type == "other":
        number = fields.text(party, "id_number", required=False, max_length=18)
        return "other", number, born_given
    raw = fields.text(party, "id_number", max_length=40)
    digits = raw.strip()
    if len(digits) == 15:
        born = capacity.birth_date_from_id(digits)
        if not digits.isdigit() or born is None or born > today:
            raise InvalidInput(
                _("An old 15-digit resident ID number has 15 digits with a real birth date inside."),
                detail={"field": "id_number"},
            )
        number = digits
    else:
        number = validate_party_id(kind="person", value=raw)
        born = capacity.birth_date_from_id(number)
    if born_given is not None and born_given != born:
        raise InvalidInput(
            _("The date of birth differs from the one in the ID number."), detail={"field": "birth_date"}
        )
    return "", number, born


def parse_party(
    data: dict[str, Any], *, may_be_unknown: bool = False, today: dt.date | None = None
) -> dict[str, Any]:
    """The party's identity. A lead (线索) often starts before anyone knows who did it: with
    `may_be_unknown` the kind, name and ID number may all be left empty, and the party becomes required
    when the case is filed (`party_complete`). Whatever is given is validated as usual; a person's age
    comes from the ID number or the birth date (行政处罚法第三十条), capacity is recorded (第三十一条)."""
    party = data.get("party")
    if not isinstance(party, dict):
        if may_be_unknown:
            party = {}
        else:
            raise InvalidInput(
                _("This field is required: %(field)s.") % {"field": "party"}, detail={"field": "party"}
            )
    known = any(str(party.get(k) or "").strip() for k in ("name", "id_number"))
    id_type, born = "", None
    if may_be_unknown and not known:
        kind = fields.choice(party, "kind", list(PartyKind.values), required=False) or ""
        name = id_number = ""
    else:
        kind = fields.choice(party, "kind", list(PartyKind.values))
        name = fields.text(party, "name", max_length=100, required=not may_be_unknown)
        given_id = str(party.get("id_number") or "").strip() or party.get("id_type") == "other"
        if kind == PartyKind.PERSON and (given_id or not may_be_unknown):
            id_type, id_number, born = _person_id(party, today or timezone.localdate())
        else:
            raw_id = fields.text(party, "id_number", max_length=40, required=not may_be_unknown)
            id_number = validate_party_id(kind=kind, value=raw_id) if raw_id else ""
    phone = fields.text(party, "phone", required=False, max_length=30)
    if phone and not set(phone) <= PHONE_CHARS:
        raise InvalidInput(
            _("The phone number may contain digits, spaces, + and - only."), detail={"field": "phone"}
        )
    address = fields.text(party, "address", required=False, max_length=200)
    cap = capacity.parse_capacity(fields.text(party, "capacity", required=False, max_length=16))
    return {
        "kind": kind,
        "name": name,
        "id_number": id_number,
        "phone": phone,
        "address": address,
        "id_type": id_type,
        "birth_date": born,
        "capacity": "" if cap == capacity.Capacity.FULL else str(cap),
    }


def party_complete(case: Case) -> bool:
    """Kind, name and ID number are all known: what filing (立案) needs."""
    return bool(case.party_kind and case.party_name and case.party_id_number)


def require_identified(case: Case, data: dict[str, Any]) -> dict[str, Any] | None:
    """At filing: the party given in `data` (party_kind, party_name …) completes an unidentified lead's
    party; a case whose party is known keeps it. Returns the fields to set, or None when nothing
    changes. Refused, naming the field, while kind, name or ID number is still missing."""
    if party_complete(case):
        return None
    given = {k: str(data.get(f"party_{k}") or "").strip() or getattr(case, f"party_{k}") for k in KEYS}
    missing = [k for k in ("kind", "name", "id_number") if not given[k]]
    if missing:
        raise InvalidInput(
            _(
                "The party must be identified before the case is filed: give the party's kind, name and "
                "ID number (the filing form and every later document name the party)."
            ),
            detail={"field": f"party_{missing[0]}", "missing": [f"party_{k}" for k in missing]},
        )
    return parse_party({"party": given})
