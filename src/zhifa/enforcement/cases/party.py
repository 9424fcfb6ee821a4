"""The party (当事人) of a case as the forms and the API give it. A lead (线索) may be registered before
anyone knows who did it; filing (立案) needs the party, since the 立案审批表 and every later document
name it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from zhifa.core.errors import InvalidInput
from zhifa.core.identity import validate_party_id
from zhifa.enforcement.cases import fields
from zhifa.enforcement.cases.models import Case, PartyKind

PHONE_CHARS = set("0123456789+-() ")
KEYS = ("kind", "name", "id_number", "phone", "address")


def parse_party(data: dict[str, Any], *, may_be_unknown: bool = False) -> dict[str, str]:
    """The party's identity. A lead (线索) often starts before anyone knows who did it: with
    `may_be_unknown` the kind, name and ID number may all be left empty, and the party becomes required
    when the case is filed (`party_complete`). Whatever is given is validated as usual."""
    party = data.get("party")
    if not isinstance(party, dict):
        if may_be_unknown:
            party = {}
        else:
            raise InvalidInput(
                _("This field is required: %(field)s.") % {"field": "party"}, detail={"field": "party"}
            )
    known = any(str(party.get(k) or "").strip() for k in ("name", "id_number"))
    if may_be_unknown and not known:
        kind = fields.choice(party, "kind", list(PartyKind.values), required=False) or ""
        name = id_number = ""
    else:
        kind = fields.choice(party, "kind", list(PartyKind.values))
        name = fields.text(party, "name", max_length=100, required=not may_be_unknown)
        raw_id = fields.text(party, "id_number", max_length=40, required=not may_be_unknown)
        id_number = validate_party_id(kind=kind, value=raw_id) if raw_id else ""
    phone = fields.text(party, "phone", required=False, max_length=30)
    if phone and not set(phone) <= PHONE_CHARS:
        raise InvalidInput(
            _("The phone number may contain digits, spaces, + and - only."), detail={"field": "phone"}
        )
    address = fields.text(party, "address", required=False, max_length=200)
    return {"kind": kind, "name": name, "id_number": id_number, "phone": phone, "address": address}


def party_complete(case: Case) -> bool:
    """Kind, name and ID number are all known: what filing (立案) needs."""
    return bool(case.party_kind and case.party_name and case.party_id_number)


def require_identified(case: Case, data: dict[str, Any]) -> dict[str, str] | None:
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
