"""When coercion may be carried out, and the emergency measure's afterwards approval (行政强制法).

- 第四十三条第一款: no enforcement (行政强制执行) at night or on statutory holidays, except in an
  emergency — and then the record says what the emergency was. "Night" is 22:00 to 06:00 unless the
  city sets other times (噪声污染防治法第八十八条: 设区的市级以上人民政府可以另行规定本行政区域夜间的起止
  时间), so the two ends are jurisdiction settings. A day off is a day the official calendar does not
  work (weekends included unless adjusted into working days); in a year whose calendar is not known
  yet, any day that could turn out a holiday counts as one (the party's favour).
- 第十九条: a measure taken on the spot in an emergency is reported to the head within 24 hours and
  approved afterwards; if the head does not approve, it is lifted at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from zhifa.core import calendar
from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.law import jurisdiction

ART_43 = "行政强制法第四十三条第一款"
ART_19 = "行政强制法第十九条"
EMERGENCY_REPORT_HOURS = 24
# On-site actions that are administrative enforcement (行政强制执行, 第二条第三款), so that 第四十三条's
# night and holiday rule applies to them; seizures are 强制措施 (第三章) and are not listed.
ENFORCEMENT_ACTIONS = frozenset({"forced_demolition"})
MIN_REASON_CHARS = 4

NIGHT_STARTS = jurisdiction.register(
    jurisdiction.SettingSpec(
        key="coercion.night_starts",
        default=dt.time(22, 0),
        kind=dt.time,
        label=_("Night starts at (HH:MM)"),
        basis="行政强制法第四十三条；噪声污染防治法第八十八条（夜间起止时间可由设区的市级以上人民政府规定）",
    )
)
NIGHT_ENDS = jurisdiction.register(
    jurisdiction.SettingSpec(
        key="coercion.night_ends",
        default=dt.time(6, 0),
        kind=dt.time,
        label=_("Night ends at (HH:MM)"),
        basis="行政强制法第四十三条；噪声污染防治法第八十八条（夜间起止时间可由设区的市级以上人民政府规定）",
    )
)


@dataclass(frozen=True)
class Night:
    starts: dt.time
    ends: dt.time

    def covers(self, moment: dt.time) -> bool:
        """Is `moment` at night? The start minute is night, the end minute is day."""
        if self.starts <= self.ends:  # a night that does not cross midnight (an unusual setting)
            return self.starts <= moment < self.ends
        return moment >= self.starts or moment < self.ends


def night_for(agency: object | None) -> Night:
    """The jurisdiction's night (national default 22:00–06:00)."""
    return Night(
        jurisdiction.value(NIGHT_STARTS.key, agency=agency),
        jurisdiction.value(NIGHT_ENDS.key, agency=agency),
    )


def day_off(day: dt.date) -> bool:
    """A statutory holiday or weekend; a day of an unknown year that could be a holiday counts as one."""
    return not calendar.envelope_working(day)


@dataclass(frozen=True)
class EnforcementTime:
    night: bool
    day_off: bool
    emergency: bool
    article: str = ART_43


def check_enforcement_time(*, at: dt.datetime, night: Night, emergency_reason: str = "") -> EnforcementTime:
    """行政强制法第四十三条: refused at night or on a day off unless the emergency is recorded. `at` is
    the local (China) time the enforcement is carried out."""
    if at.tzinfo is not None:
        from django.utils import timezone

        at = timezone.localtime(at)
    is_night = night.covers(at.time().replace(second=0, microsecond=0))
    is_off = day_off(at.date())
    emergency = len(emergency_reason.strip()) >= MIN_REASON_CHARS
    if (is_night or is_off) and not emergency:
        when = _("at night") if is_night else _("on a statutory holiday or rest day")
        raise RuleViolation(
            _(
                "Enforcement may not be carried out %(when)s except in an emergency; record the "
                "emergency (%(article)s)."
            )
            % {"when": when, "article": ART_43},
            code="enforcement_at_night_or_holiday",
            article=ART_43,
            detail={"field": "emergency_reason", "night": is_night, "day_off": is_off},
        )
    return EnforcementTime(is_night, is_off, emergency and (is_night or is_off))


@dataclass(frozen=True)
class EmergencyApproval:
    report_due_at: dt.datetime
    reported_late: bool
    must_lift: bool


def emergency_report_due(taken_at: dt.datetime) -> dt.datetime:
    """第十九条: the report to the head is due 24 hours after the measure was taken."""
    return taken_at + dt.timedelta(hours=EMERGENCY_REPORT_HOURS)


def check_emergency_approval(
    *, taken_at: dt.datetime, reported_at: dt.datetime, approved: bool
) -> EmergencyApproval:
    """The head's afterwards decision on an emergency measure (第十九条): a report after 24 hours is
    recorded as late (and alerted by the caller); a refusal means the measure must be lifted at once."""
    if reported_at < taken_at:
        raise InvalidInput(
            _("The report cannot be before the measure was taken."), detail={"field": "reported_at"}
        )
    due = emergency_report_due(taken_at)
    return EmergencyApproval(due, reported_at > due, not approved)
