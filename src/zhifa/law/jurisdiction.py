"""Numbers that provinces and cities set, with the national default and the article behind each.

A value is looked up for an agency by walking up its org path to the nearest government node that has
set it; otherwise the national default applies. `Applied` says which value was used and where it came
from, so records can show it ("听证较大数额：10000元（某省规定）").

Later issues register their own settings here with `register()`; keys are dotted by domain.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhifa.core.prepared import Prepared


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: Any
    label: str | Promise
    basis: str  # the article or policy document that sets or leaves the number to local rules
    kind: type = Decimal

    def parse(self, raw: Any) -> Any:
        if self.kind is Decimal:
            return Decimal(str(raw))
        if self.kind is int:
            return int(raw)
        if self.kind is dt.time:  # "HH:MM", e.g. the start of night (行政强制法第四十三条)
            if isinstance(raw, dt.time):
                return raw
            hours, _sep, minutes = str(raw).strip().partition(":")
            return dt.time(int(hours), int(minutes))  # ValueError on nonsense: the setter refuses it
        if self.kind is list:
            if isinstance(raw, str):  # typed in the admin as "查封, 扣押" or "查封、扣押"
                return [
                    part.strip()
                    for part in raw.replace("、", ",").replace("，", ",").split(",")
                    if part.strip()
                ]
            return [str(item) for item in raw]
        return raw

    def to_json(self, parsed: Any) -> Any:
        """What is stored: Decimals as strings (exact), lists and ints as themselves."""
        if isinstance(parsed, dt.time):
            return parsed.strftime("%H:%M")
        return str(parsed) if isinstance(parsed, Decimal) else parsed


@dataclass(frozen=True)
class Applied:
    key: str
    value: Any
    source: str  # "national" or the name of the government node that set it
    source_node_id: int | None
    basis: str

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "value": str(self.value), "source": self.source, "basis": self.basis}


REGISTRY: dict[str, SettingSpec] = {}


def register(spec: SettingSpec) -> SettingSpec:
    REGISTRY[spec.key] = spec
    return spec


def spec(key: str) -> SettingSpec:
    return REGISTRY[key]


# The settings of a node's ancestors, compiled once per process and path depth (core.prepared): every
# registration and many steps of a case read a setting, and compiling the query cost more CPU than
# running it. The marker of the key is a string no setting is named; those of the ids are negative.
_KEY_MARKER = "\u2063prepared-setting-key\u2063"
_SETTINGS_OF_PATH: dict[int, Prepared[tuple[int, Any, str]]] = {}


def _settings_of_path(depth: int) -> Prepared[tuple[int, Any, str]]:
    prepared = _SETTINGS_OF_PATH.get(depth)
    if prepared is None:
        from zhifa.law.models import JurisdictionSetting

        def build(key: str, *ids: int) -> Any:
            return JurisdictionSetting.objects.filter(key=key, node_id__in=ids).values_list(
                "node_id", "value", "node__name"
            )

        markers = (_KEY_MARKER, *(-730_100_100 - i for i in range(depth)))
        prepared = _SETTINGS_OF_PATH.setdefault(depth, Prepared(build, markers=markers))
    return prepared


def applied(key: str, *, agency: Any | None = None) -> Applied:
    """The value of `key` in force for `agency` (an OrgNode, or None for the national default)."""
    s = REGISTRY[key]
    if agency is not None and agency.path:
        ancestor_ids = list(dict.fromkeys(int(x) for x in agency.path.strip("/").split("/") if x))
        rows = {
            node_id: (raw, name)
            for node_id, raw, name in _settings_of_path(len(ancestor_ids))(key, *ancestor_ids)
        }
        for node_id in reversed(ancestor_ids):  # nearest first
            if node_id in rows:
                raw, name = rows[node_id]
                return Applied(key, s.parse(raw), name, node_id, s.basis)
    return Applied(key, s.default, "national", None, s.basis)


def value(key: str, *, agency: Any | None = None) -> Any:
    return applied(key, agency=agency).value


# --- Settings this foundation knows about; later domains register theirs next to their rules
# (imported by `LawConfig.ready()` so the registry is complete in every process). ---------------

register(
    SettingSpec(
        key="penalty.hearing_large_fine_person",
        default=Decimal("10000"),
        label=_("Hearing threshold: large fine for a person (yuan)"),
        basis="行政处罚法第六十三条（较大数额由省级规定）",
    )
)
register(
    SettingSpec(
        key="penalty.hearing_large_fine_organisation",
        default=Decimal("100000"),
        label=_("Hearing threshold: large fine for an organisation (yuan)"),
        basis="行政处罚法第六十三条（较大数额由省级规定）",
    )
)
register(
    SettingSpec(
        key="disclosure.decision_publish_working_days",
        default=7,
        kind=int,
        label=_("Publish penalty decisions within (working days)"),
        basis="国办发〔2018〕118号（行政执法公示制度）",
    )
)
