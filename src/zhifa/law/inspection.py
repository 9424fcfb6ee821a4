"""Rules for random inspections (双随机、一公开) and inspections of enterprises (涉企行政检查).

- 优化营商环境条例第五十四条第一款: inspections in market regulation pick the targets at random and send
  inspectors chosen at random, and publish the items inspected and the results; several items for one
  target are merged where possible. 第二款: problems found through complaints, referrals or data
  monitoring are inspected in a targeted way — the recorded reasons that may lift a target off the
  no-disturbance list.
- 优化营商环境条例第五十八条 and 国办发〔2018〕118号 (行政执法公示制度): results are published; decisions on
  licences and penalties within 7 working days, other enforcement results (an inspection's result
  among them) within 20 working days of being made. The 20 is a jurisdiction setting
  (`inspections.result_publish_working_days`).
- 行政处罚法第四十二条 (no fewer than two officers) and 第五十五条 (inspection is part of the
  investigation, the officers show their credentials): at least two inspectors per target.
- 行政处罚法第四十三条: an officer with a direct interest in, or another relation to, the matter is
  recused (回避). A target on an inspector's conflict list is never given to that inspector.
- Rotation (随机选派, against fixed pairings): two inspectors may be teamed together at most
  `inspections.team_pair_max_per_year` times a year, and one inspector may inspect one target at most
  `inspections.inspector_target_max_per_year` times a year. No national number exists; these are
  platform defaults a jurisdiction replaces.
- Frequency (国办发〔2024〕54号, 严格规范涉企行政检查: limit how often an enterprise is inspected; 无事不扰):
  inspections of one enterprise beyond `inspections.enterprise_max_per_year` in a calendar year, and a
  second inspection of the same item within the year (优化营商环境条例第五十四条第一款: merge items for
  one target), raise a supervision alert. They are alerts, not refusals: a targeted inspection under
  第五十四条第二款 stays lawful however often it comes.
- No disturbance (无事不扰): an enterprise on the jurisdiction's list is drawn only with a recorded
  reason (优化营商环境条例第四十八条第二款: do not disturb normal business; 第五十四条第二款).

Everything here is pure: callers pass the values in force (`jurisdiction.applied(...)`) and the
history they hold. The draw itself is `zhifa.core.draw` (documented in docs/inspections.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from zhifa.core import draw
from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.law import jurisdiction
from zhifa.law.days import DayKind, Due, Period, period_elapsed, period_end
from zhifa.law.jurisdiction import SettingSpec, register

ARTICLE_RANDOM = "优化营商环境条例第五十四条"
ARTICLE_PUBLISH = "优化营商环境条例第五十八条；国办发〔2018〕118号"
ARTICLE_TEAM = "行政处罚法第四十二条、第五十五条"
ARTICLE_RECUSAL = "行政处罚法第四十三条"
ARTICLE_ROTATION = "优化营商环境条例第五十四条"  # 随机选派执法检查人员
ARTICLE_FREQUENCY = "国办发〔2024〕54号（严格规范涉企行政检查）"
ARTICLE_SAME_ITEM = "优化营商环境条例第五十四条第一款（同一检查对象的多个检查事项合并进行）"
ARTICLE_NO_DISTURBANCE = "优化营商环境条例第四十八条第二款、第五十四条第二款"
ARTICLE_NO_TEAM = "行政处罚法第四十二条、第四十三条、第五十五条；优化营商环境条例第五十四条"

MIN_INSPECTORS_PER_TARGET = 2
"""行政处罚法第四十二条: no fewer than two officers."""

# --- Jurisdiction settings -----------------------------------------------------------------------

RESULT_PUBLISH_WORKING_DAYS = register(
    SettingSpec(
        key="inspections.result_publish_working_days",
        default=20,
        kind=int,
        label=_("Publish inspection results within (working days)"),
        basis="国办发〔2018〕118号（行政执法公示制度：其他执法决定信息20个工作日内公开）",
    )
)
ENTERPRISE_MAX_PER_YEAR = register(
    SettingSpec(
        key="inspections.enterprise_max_per_year",
        default=2,
        kind=int,
        label=_("Inspections of one enterprise a year before a supervision alert"),
        basis="国办发〔2024〕54号（合理确定检查频次；具体次数由地方规定，平台默认每年2次）",
    )
)
TEAM_PAIR_MAX_PER_YEAR = register(
    SettingSpec(
        key="inspections.team_pair_max_per_year",
        default=3,
        kind=int,
        label=_("Times two inspectors may be teamed together a year"),
        basis="优化营商环境条例第五十四条（随机选派执法检查人员；次数由地方规定，平台默认每年3次）",
    )
)
INSPECTOR_TARGET_MAX_PER_YEAR = register(
    SettingSpec(
        key="inspections.inspector_target_max_per_year",
        default=1,
        kind=int,
        label=_("Times one inspector may inspect the same target a year"),
        basis="优化营商环境条例第五十四条；行政处罚法第四十三条（避免固定检查同一对象；平台默认每年1次）",
    )
)


# --- Publication of results ----------------------------------------------------------------------


def result_publication_window(*, agency: object | None) -> jurisdiction.Applied:
    """The window in working days in force for `agency`, with where the value came from."""
    return jurisdiction.applied(RESULT_PUBLISH_WORKING_DAYS.key, agency=agency)


def result_publication_period(window_days: int) -> Period:
    if window_days < 0:
        raise ValueError("window_days must be >= 0")
    return Period(days=window_days, kind=DayKind.WORKING, article=ARTICLE_PUBLISH)


def result_publication_due(result_on: dt.date, *, window_days: int) -> Due:
    """Last day to publish a result recorded on `result_on`: `window_days` working days after it (the
    day of the result is not counted). `provisional` when a day that decided it lies in a year whose
    official holiday arrangement is not known yet; store the flag and let the recompute job fix it."""
    return period_end(result_publication_period(window_days), result_on)


def result_publication_overdue(result_on: dt.date, *, on: dt.date, window_days: int) -> bool:
    """Is an unpublished result late on `on`? Only after the whole window is over; where the window's
    end is provisional, after the latest end any official arrangement could give (`period_elapsed`):
    an alert must not accuse an agency of a lateness the real calendar may not confirm."""
    return period_elapsed(result_publication_period(window_days), result_on, on)


# --- Teams ---------------------------------------------------------------------------------------


def require_team(inspectors: Sequence[str]) -> None:
    """At least two different inspectors for one target (行政处罚法第四十二条)."""
    _require_team_size(len(set(inspectors)))


def _require_team_size(size: int) -> None:
    if size < MIN_INSPECTORS_PER_TARGET:
        raise RuleViolation(
            _("At least two different inspectors must be assigned to each target (%(article)s).")
            % {"article": ARTICLE_TEAM},
            code="team_too_small",
            article=ARTICLE_TEAM,
            detail={"inspectors": size, "required": MIN_INSPECTORS_PER_TARGET},
        )


def require_no_conflict(*, inspector: str, target: str, conflicts: Collection[str]) -> None:
    """`conflicts` is the inspector's conflict list (targets they must not inspect)."""
    if target in conflicts:
        raise RuleViolation(
            _(
                "This inspector is on the target's conflict-of-interest list and must be recused "
                "(%(article)s)."
            )
            % {"article": ARTICLE_RECUSAL},
            code="inspector_conflict",
            article=ARTICLE_RECUSAL,
            detail={"inspector": inspector, "target": target},
        )


def require_pair_within_limit(*, times_together: int, limit: int) -> None:
    """Two inspectors who have already been teamed `times_together` times this year may be teamed
    again only while that is below `limit` (the (limit+1)-th time is refused)."""
    if times_together >= limit:
        raise RuleViolation(
            _(
                "These two inspectors have already been teamed %(times)d times this year, the most "
                "the jurisdiction allows is %(limit)d (%(article)s)."
            )
            % {"times": times_together, "limit": limit, "article": ARTICLE_ROTATION},
            code="team_pair_limit",
            article=ARTICLE_ROTATION,
            detail={"times": times_together, "limit": limit},
        )


def require_inspector_target_within_limit(*, inspector: str, times: int, limit: int) -> None:
    """An inspector who has already inspected (been sent to) the target `times` times this year may be
    sent again only while that is below `limit` (the (limit+1)-th time is refused): a hand-made team
    (a reassignment) keeps the rotation the draw keeps."""
    if times >= limit:
        raise RuleViolation(
            _(
                "This inspector has already been sent to this target %(times)d times this year, the "
                "most the jurisdiction allows is %(limit)d (%(article)s)."
            )
            % {"times": times, "limit": limit, "article": ARTICLE_ROTATION},
            code="inspector_target_limit",
            article=ARTICLE_ROTATION,
            detail={"inspector": inspector, "times": times, "limit": limit},
        )


def assign_inspectors(
    *,
    seed: str,
    targets: Sequence[str],
    inspectors: Iterable[str],
    conflicts: Mapping[str, Collection[str]] | None = None,
    inspections_by: Mapping[tuple[str, str], int] | None = None,
    target_limit: int = INSPECTOR_TARGET_MAX_PER_YEAR.default,
    pair_history: Mapping[tuple[str, str], int] | None = None,
    pair_limit: int = TEAM_PAIR_MAX_PER_YEAR.default,
    team_size: int = MIN_INSPECTORS_PER_TARGET,
) -> tuple[draw.Team, ...]:
    """Random teams for the drawn `targets` (draw order), reproducible from `seed`.

    `conflicts[inspector]`: the targets on that inspector's conflict list. `inspections_by[(inspector,
    target)]`: how often the inspector inspected the target this year; at `target_limit` they are left
    out for it. `pair_history[draw.pair_key(a, b)]`: times a and b were teamed this year; no pair
    goes beyond `pair_limit`. Raises RuleViolation when a target cannot get a lawful team.
    """
    _require_team_size(team_size)
    inspectors = list(inspectors)
    excluded: dict[str, set[str]] = {t: set() for t in targets}
    for inspector, listed in (conflicts or {}).items():
        for target in listed:
            if target in excluded:
                excluded[target].add(inspector)
    for (inspector, target), times in (inspections_by or {}).items():
        if target in excluded and times >= target_limit:
            excluded[target].add(inspector)
    try:
        return draw.assign_teams(
            seed=seed,
            targets=targets,
            candidates=inspectors,
            team_size=team_size,
            excluded=excluded,
            pair_limit=pair_limit,
            pair_history=pair_history,
        )
    except draw.NoTeamPossible as exc:
        article = ARTICLE_NO_TEAM
        raise RuleViolation(
            _(
                "Target %(target)s cannot get %(size)d inspectors: after recusals, the limit on "
                "inspecting the same target and the limit on the same pair, too few inspectors are "
                "left. Add inspectors to the directory or adjust the plan (%(article)s)."
            )
            % {"target": exc.detail["target"], "size": team_size, "article": article},
            code="no_lawful_team",
            article=article,
            detail=dict(exc.detail),
        ) from None


# --- No disturbance (无事不扰) -----------------------------------------------------------------------


def require_reason_for_listed(*, target: str, listed: bool, reason: str) -> None:
    """An enterprise on the no-disturbance list is drawn or inspected only with a recorded reason."""
    if listed and not (reason or "").strip():
        raise RuleViolation(
            _(
                "This enterprise is on the no-disturbance list: record the reason for inspecting it, "
                "such as a complaint, a referral or data monitoring (%(article)s)."
            )
            % {"article": ARTICLE_NO_DISTURBANCE},
            code="no_disturbance",
            article=ARTICLE_NO_DISTURBANCE,
            detail={"target": target},
        )


def drawable(
    entries: Iterable[str | draw.Entry],
    *,
    no_disturbance: Collection[str],
    reasons: Mapping[str, str] | None = None,
) -> Iterator[str | draw.Entry]:
    """The pool a draw may use: `entries` without the listed enterprises that have no recorded
    reason. Streams, so a directory of millions stays out of memory (`no_disturbance` should be a
    set)."""
    reasons = reasons or {}
    for entry in entries:
        target = entry if isinstance(entry, str) else entry[0]
        if target in no_disturbance and not (reasons.get(target) or "").strip():
            continue
        yield entry


# --- Frequency (alerts, not refusals) ------------------------------------------------------------


@dataclass(frozen=True)
class FrequencyAlert:
    count: int
    limit: int
    year: int
    article: str = ARTICLE_FREQUENCY


def frequency_alert(*, inspection_dates: Iterable[dt.date], year: int, limit: int) -> FrequencyAlert | None:
    """An alert when an enterprise's inspections in calendar `year` (every inspection of it, the new
    one included) exceed `limit`: `limit` inspections are within it, the next one alerts."""
    if limit < 0:
        raise InvalidInput(_("The frequency limit cannot be negative."), detail={"field": "limit"})
    count = sum(1 for d in inspection_dates if d.year == year)
    return FrequencyAlert(count, limit, year) if count > limit else None


@dataclass(frozen=True)
class RepeatedItemAlert:
    item: str
    on: dt.date
    earlier_on: dt.date
    article: str = ARTICLE_SAME_ITEM


def repeated_item_alert(
    *, item: str, on: dt.date, earlier: Iterable[tuple[dt.date, str]]
) -> RepeatedItemAlert | None:
    """An alert when the enterprise was already inspected on `item` earlier in the calendar year of
    `on` (the annual plans' period). `earlier` holds (date, item) of its other inspections; the most
    recent earlier one is named. An inspection on the same day counts: two visits for one item in a
    day are the repeat this rule is about."""
    hits = [d for d, i in earlier if i == item and d.year == on.year and d <= on]
    return RepeatedItemAlert(item, on, max(hits)) if hits else None
