"""Enforcement supervision (行政执法监督): the thresholds of the problem models, the rectification
period of a supervision notice and the publication date of the annual statistics.

行政处罚法第七十五条: governments supervise penalties and organise reviews; 第七十六条: on a wrongful
penalty the superior orders correction and the persons responsible are held to account (过错责任追究).
The national texts set no numbers for the models; each is a jurisdiction setting with a default that a
province or city changes (`law.jurisdiction`). Where a model judges a duty of the agency against a
statutory period (decision, service, publication, seizure term) the setting is a grace period added to
the statutory last day, 0 by default: the statute is the threshold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from zhifa.law.days import DayKind, Period
from zhifa.law.jurisdiction import Applied, SettingSpec, applied, register

ART_SUPERVISION = "行政处罚法第七十五条"
ART_ACCOUNTABILITY = "行政处罚法第七十六条"
ART_FILING = "行政处罚法第五十四条第二款"
ART_DECISION = "行政处罚法第六十条"
ART_SERVICE = "行政处罚法第六十一条、第八十五条"
ART_PUBLICATION = "行政处罚法第四十八条；国办发〔2018〕118号"
ART_MITIGATION = "行政处罚法第三十二条"
ART_DISCRETION = "行政处罚法第三十四条"
ART_TWO_OFFICERS = "行政处罚法第四十二条"
ART_NOTICE_HEARING = "行政处罚法第四十四条、第六十二条、第六十三条、第六十四条"
ART_AV = "行政处罚法第四十七条；国办发〔2018〕118号（执法全过程记录制度）"
ART_SEIZURE_TERM = "行政强制法第二十五条、第二十七条"
ART_CREDENTIAL = "行政处罚法第四十二条"
ART_COMPLAINTS = "信访工作条例第三十四条、第三十五条"
ART_ANNUAL_STATISTICS = "国办发〔2018〕118号（每年1月31日前公开上年度行政执法总体情况和有关统计数据）"


def _int(key: str, default: int, label: Any, basis: str) -> SettingSpec:
    return register(SettingSpec(key=key, default=default, kind=int, label=label, basis=basis))


LEAD_FILING_WORKING_DAYS = _int(
    "supervision.lead_filing_working_days",
    15,
    _("Decide whether to file a lead within (working days)"),
    ART_FILING + "（及时立案；期限由部门或地方规定，常见为十五个工作日）",
)
DECISION_GRACE_DAYS = _int(
    "supervision.decision_grace_days", 0, _("Decision overdue: days of grace after the period"), ART_DECISION
)
SERVICE_GRACE_DAYS = _int(
    "supervision.service_grace_days", 0, _("Service late: days of grace after the period"), ART_SERVICE
)
PUBLICATION_GRACE_DAYS = _int(
    "supervision.publication_grace_days",
    0,
    _("Publication late: days of grace after the publication deadline"),
    ART_PUBLICATION,
)
LOOKBACK_DAYS = _int(
    "supervision.lookback_days",
    365,
    _("Problem models look back this many days over decided cases"),
    ART_SUPERVISION + "（监督检查的范围由地方确定）",
)
TIER_MAX_SHARE_PERCENT = register(
    SettingSpec(
        key="supervision.tier_max_share_percent",
        default=Decimal("50"),
        label=_("Share of an officer's fines at the tier maximum that raises a clue (%)"),
        basis=ART_DISCRETION + "（裁量基准；比例由地方确定）",
    )
)
TIER_MAX_MIN_CASES = _int(
    "supervision.tier_max_min_cases",
    5,
    _("Fined cases an officer must have before the tier-maximum share is judged"),
    ART_DISCRETION,
)
OFFICER_PAIR_CASES_PER_DAY = _int(
    "supervision.officer_pair_cases_per_day",
    10,
    _("Cases a day the same two officers may be assigned before a clue is raised"),
    ART_TWO_OFFICERS + "（两名以上执法人员实际参与；数量由地方确定）",
)
AV_GRACE_HOURS = _int(
    "supervision.av_record_grace_hours",
    24,
    _("Hours allowed to attach the video record of a mandatory action"),
    ART_AV,
)
SEIZURE_GRACE_DAYS = _int(
    "supervision.seizure_grace_days", 0, _("Seizure past its term: days of grace"), ART_SEIZURE_TERM
)
COMPLAINT_GRACE_DAYS = _int(
    "supervision.complaint_grace_days", 0, _("Complaint overdue: days of grace"), ART_COMPLAINTS
)
COMPLAINT_REOPEN_LIMIT = _int(
    "supervision.complaint_reopen_limit",
    2,
    _("Times a complaint may be reopened before a clue is raised"),
    ART_COMPLAINTS + "（重复信访；次数由地方确定）",
)
RECTIFICATION_DAYS = _int(
    "supervision.rectification_days",
    30,
    _("Rectification period of a supervision notice (days)"),
    ART_SUPERVISION + "（整改期限由地方行政执法监督规定确定，常见为三十日）",
)


def setting(spec: SettingSpec, *, agency: Any | None) -> Applied:
    return applied(spec.key, agency=agency)


def lead_filing_period(days: int) -> Period:
    """A lead must be filed or declined within `days` working days of its registration."""
    return Period(days, DayKind.WORKING, ART_FILING)


def past_due(due_on: dt.date, *, today: dt.date, grace_days: int) -> bool:
    """A duty with last day `due_on` is late on `today` once the grace days after it have passed too
    (the last day itself is still in time)."""
    return today > due_on + dt.timedelta(days=max(0, grace_days))


def share_exceeded(at_max: int, total: int, *, share_percent: Decimal, min_cases: int) -> bool:
    """More than `share_percent` of an officer's fined cases at the tier maximum, judged only from
    `min_cases` cases on (fewer say nothing about a habit)."""
    if total < max(1, min_cases):
        return False
    return Decimal(at_max) * 100 > share_percent * Decimal(total)


def too_many_per_day(cases: int, *, limit: int) -> bool:
    """More than `limit` cases a day for the same pair of officers."""
    return cases > limit


def reopened_too_often(times: int, *, limit: int) -> bool:
    """Reopened `limit` times or more (the issue's "reopened twice" with the default 2)."""
    return times >= limit


def rectification_period(days: int) -> Period:
    return Period(days, DayKind.NATURAL, ART_SUPERVISION)


def annual_statistics_due(year: int) -> dt.date:
    """The previous year's enforcement statistics are published by 31 January (国办发〔2018〕118号)."""
    return dt.date(year + 1, 1, 31)


def annual_statistics_publishable(year: int, *, today: dt.date) -> bool:
    """A year's statistics are published once the year has ended (never for a running year)."""
    return today > dt.date(year, 12, 31)


class SettingsCache:
    """Jurisdiction values per agency, looked up once per run of the problem models (a sweep checks
    every agency; each agency's own value applies to its records). The first look-up for an agency
    reads its path and every setting of its ancestors (two queries); the others are answered from
    memory, resolved as `law.jurisdiction.applied` resolves them (the nearest node that set it)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int], tuple[Any, str]] = {}
        self._rows: dict[int, tuple[list[int], dict[str, dict[int, tuple[Any, str]]]]] = {}

    def _agency_rows(self, agency_id: int) -> tuple[list[int], dict[str, dict[int, tuple[Any, str]]]]:
        if agency_id not in self._rows:
            from zhifa.law.models import JurisdictionSetting
            from zhifa.org.models import OrgNode

            path = OrgNode.objects.filter(pk=agency_id).values_list("path", flat=True).first() or ""
            ancestors = [int(x) for x in path.strip("/").split("/") if x]
            by_key: dict[str, dict[int, tuple[Any, str]]] = {}
            if ancestors:
                for key, node_id, raw, name in JurisdictionSetting.objects.filter(
                    node_id__in=ancestors
                ).values_list("key", "node_id", "value", "node__name"):
                    by_key.setdefault(key, {})[node_id] = (raw, name)
            self._rows[agency_id] = (ancestors, by_key)
        return self._rows[agency_id]

    def prefetch(self, agency_ids: Iterable[int]) -> None:
        """Read the settings of these agencies at once (two queries for any number of agencies)."""
        from zhifa.law.models import JurisdictionSetting
        from zhifa.org.models import OrgNode

        wanted = set(agency_ids) - self._rows.keys()
        if not wanted:
            return
        paths = dict(OrgNode.objects.filter(pk__in=wanted).values_list("id", "path"))
        ancestors = {a: [int(x) for x in (paths.get(a) or "").strip("/").split("/") if x] for a in wanted}
        nodes = {n for ids in ancestors.values() for n in ids}
        by_node: dict[int, list[tuple[str, Any, str]]] = {}
        for key, node_id, raw, name in JurisdictionSetting.objects.filter(node_id__in=nodes).values_list(
            "key", "node_id", "value", "node__name"
        ):
            by_node.setdefault(node_id, []).append((key, raw, name))
        for a in wanted:
            by_key: dict[str, dict[int, tuple[Any, str]]] = {}
            for node_id in ancestors[a]:
                for key, raw, name in by_node.get(node_id, ()):
                    by_key.setdefault(key, {})[node_id] = (raw, name)
            self._rows[a] = (ancestors[a], by_key)

    def applied(self, spec: SettingSpec, agency_id: int) -> tuple[Any, str]:
        key = (spec.key, agency_id)
        if key not in self._cache:
            ancestors, by_key = self._agency_rows(agency_id)
            found = by_key.get(spec.key, {})
            value: Any = spec.default
            source: Any = _("national default")
            for node_id in reversed(ancestors):  # nearest first
                if node_id in found:
                    raw, name = found[node_id]
                    value, source = spec.parse(raw), name
                    break
            self._cache[key] = (value, str(source))
        return self._cache[key]

    def get(self, spec: SettingSpec, agency_id: int) -> Any:
        return self.applied(spec, agency_id)[0]

    def describe(self, spec: SettingSpec, agency_id: int) -> str:
        """ "<label>: <value> (<where it was set>)", for an explanation."""
        value, source = self.applied(spec, agency_id)
        return f"{spec.label}：{value}（{source}）"


def settings_for(scope: Any) -> SettingsCache:
    """The settings cache shared by the finders of one run (`core.problems.Scope.memo`)."""
    cache: SettingsCache = scope.remember("law.settings", SettingsCache)
    return cache
