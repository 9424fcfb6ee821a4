"""Reads of the power list and the law library.

The power list and the laws are public information (事前公开: 行政执法公示, 权力清单), so every signed-in
user sees every published item of every agency; drafts, items never published and withdrawn items
are seen only by administrators, who maintain the list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from zhifa.core.prepared import Prepared, PreparedIn
from zhifa.core.search import SEARCH_COUNT_CAP as _SEARCH_COUNT_CAP
from zhifa.core.search import Hit, search_count, search_ids, search_query
from zhifa.org.roles import Role
from zhifa.powers.models import (
    Article,
    DiscretionTier,
    Law,
    PowerItem,
    PowerItemVersion,
    Provision,
)
from zhifa.powers.models import Category as Category  # re-exported: the vocabulary other apps filter by
from zhifa.powers.services import SEARCH_KIND_ARTICLE, SEARCH_KIND_POWER_ITEM
from zhifa.powers.templatetags.powers_tags import fine_range

# What a 文书 prints of the power item (documents.context), read for every document: compiled once
# per process (core.prepared).
_PROVISIONS: Prepared[Provision] = Prepared(
    lambda pk: (
        Provision.objects.filter(version_id=pk)
        .select_related("article", "article__law")
        .order_by("role", "position")
    ),
    markers=(-730_100_061,),
)
_TIERS: Prepared[DiscretionTier] = Prepared(
    lambda pk: DiscretionTier.objects.filter(version_id=pk), markers=(-730_100_075,)
)
_TIER: Prepared[DiscretionTier] = Prepared(
    lambda pk, name: DiscretionTier.objects.filter(version_id=pk, name=name),
    markers=(-730_100_062, "\x00tier-marker"),
)


def version_provisions(*, version_id: int) -> list[Provision]:
    """The provisions a version cites, with their articles and laws, by role and position."""
    return _PROVISIONS(version_id)


def version_tiers(*, version_id: int) -> list[DiscretionTier]:
    """The version's discretion tiers, in the model's order (what `version.tiers.all()` gives)."""
    return _TIERS(version_id)


def version_tier(*, version_id: int, name: str) -> DiscretionTier | None:
    """The version's discretion tier of that name (the first, as `tiers.filter(name=…).first()`)."""
    return _TIER.first(version_id, name)


def can_manage(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(Role.ADMIN))


@dataclass(frozen=True)
class PowerFilters:
    q: str = ""
    category: str = ""
    area: str = ""
    agency: int | None = None
    party_type: str = ""
    status: str = ""  # "" | "active" | "withdrawn" | "draft" (has a draft) | "unpublished"


def _version_prefetch(prefix: str = "published_version") -> list[Any]:
    return [
        Prefetch(f"{prefix}__tiers", queryset=DiscretionTier.objects.order_by("position")),
        Prefetch(
            f"{prefix}__provisions",
            queryset=Provision.objects.select_related("article__law").order_by("role", "position"),
        ),
    ]


def power_item_list_for(*, user: Any, filters: PowerFilters | None = None) -> QuerySet[PowerItem]:
    """Items the user may see, filtered, ordered by code, with what a list or the API shows prefetched
    (a constant number of queries whatever the page size)."""
    f = filters or PowerFilters()
    draft = PowerItemVersion.objects.filter(item=OuterRef("pk"), status=PowerItemVersion.Status.DRAFT)
    qs = (
        PowerItem.objects.select_related("agency", "published_version")
        .prefetch_related(*_version_prefetch())
        .annotate(has_draft=Exists(draft))
    )
    if not can_manage(user):
        qs = qs.filter(published_version__isnull=False, status=PowerItem.Status.ACTIVE)
    elif f.status == "draft":
        qs = qs.filter(has_draft=True)
    elif f.status == "unpublished":
        qs = qs.filter(published_version__isnull=True)
    elif f.status in PowerItem.Status.values:
        qs = qs.filter(status=f.status)
    if f.category:
        qs = qs.filter(published_version__category=f.category)
    if f.area:
        qs = qs.filter(area=f.area)
    if f.agency:
        qs = qs.filter(agency_id=f.agency)
    if f.party_type:
        qs = qs.filter(published_version__party_type=f.party_type)
    q = f.q.strip()
    if q:
        # Codes (CF-DL-001) are matched as typed; words through the full-text index.
        ids = search_ids(kind=SEARCH_KIND_POWER_ITEM, q=q)
        if isinstance(ids, list):  # no searchable word (punctuation only …): codes alone
            qs = qs.filter(code__istartswith=q)
        else:
            qs = qs.filter(Q(code__istartswith=q) | Q(id__in=ids))
    return qs.order_by("code")


# The search page counts matches up to this number and then shows "1,000+" (counting is as slow as
# the number of matches; see zhifa.core.search.RANK_WINDOW).
SEARCH_COUNT_CAP = _SEARCH_COUNT_CAP  # the same for every search (core.search)


def power_item_search(*, user: Any, q: str, limit: int = 20, offset: int = 0) -> tuple[list[PowerItem], int]:
    """Ranked full-text search over visible items (the search page). Returns (items, total), the total
    counted up to SEARCH_COUNT_CAP + 1."""
    hits = search_query(kind=SEARCH_KIND_POWER_ITEM, q=q, limit=limit, offset=offset)
    total = search_count(kind=SEARCH_KIND_POWER_ITEM, q=q, cap=SEARCH_COUNT_CAP)
    visible = {i.id: i for i in power_item_list_for(user=user).filter(id__in=[h.object_id for h in hits])}
    items = []
    for hit in hits:
        item = visible.get(hit.object_id)
        if item is not None:
            item.search_snippet = hit.snippet_html  # type: ignore[attr-defined]
            items.append(item)
    return items, total


def power_item_get(*, item_id: int, user: Any | None = None) -> PowerItem | None:
    """One item with its published version's tiers and provisions; None when not visible."""
    qs = PowerItem.objects.select_related("agency", "published_version").prefetch_related(
        *_version_prefetch()
    )
    if user is not None and not can_manage(user):
        qs = qs.filter(published_version__isnull=False, status=PowerItem.Status.ACTIVE)
    return qs.filter(id=item_id).first()


def version_get(*, version_id: int) -> PowerItemVersion | None:
    return (
        PowerItemVersion.objects.select_related("item", "created_by", "published_by")
        .prefetch_related(
            Prefetch("tiers", queryset=DiscretionTier.objects.order_by("position")),
            Prefetch(
                "provisions",
                queryset=Provision.objects.select_related("article__law").order_by("role", "position"),
            ),
        )
        .filter(id=version_id)
        .first()
    )


def draft_of(item: PowerItem) -> PowerItemVersion | None:
    draft = item.versions.filter(status=PowerItemVersion.Status.DRAFT).values_list("id", flat=True).first()
    return version_get(version_id=draft) if draft else None


def version_history(item: PowerItem) -> QuerySet[PowerItemVersion]:
    return item.versions.select_related("created_by", "published_by").order_by("-number")


def version_list_for_export(*, codes: list[str] | None = None) -> QuerySet[PowerItemVersion]:
    """Published versions in the order the items were created (so an imported file exports in its own
    order), tiers prefetched."""
    qs = (
        PowerItemVersion.objects.filter(status=PowerItemVersion.Status.PUBLISHED)
        .select_related("item")
        .prefetch_related(Prefetch("tiers", queryset=DiscretionTier.objects.order_by("position")))
        .order_by("item_id")
    )
    if codes:
        qs = qs.filter(item__code__in=codes)
    return qs


def unresolved_provisions() -> QuerySet[Provision]:
    """References of live and draft versions that do not resolve to the law library."""
    return (
        Provision.objects.filter(article__isnull=True)
        .exclude(version__status=PowerItemVersion.Status.SUPERSEDED)
        .select_related("version__item")
        .order_by("version__item__code", "role", "position")
    )


# --- Law library ------------------------------------------------------------------------------------


def law_list() -> QuerySet[Law]:
    from django.db.models import Count

    return Law.objects.annotate(article_count=Count("articles")).order_by("kind", "short_name", "-revised_on")


def law_get(*, law_id: int) -> Law | None:
    return Law.objects.filter(id=law_id).first()


def article_get(*, law_id: int, number: int) -> Article | None:
    return Article.objects.select_related("law").filter(law_id=law_id, number=number).first()


def article_search(*, q: str, limit: int = 20, offset: int = 0) -> tuple[list[tuple[Article, Hit]], int]:
    """Ranked article hits with snippets, and the total number of matches."""
    hits = search_query(kind=SEARCH_KIND_ARTICLE, q=q, limit=limit, offset=offset)
    if not hits:
        return [], search_count(kind=SEARCH_KIND_ARTICLE, q=q, cap=SEARCH_COUNT_CAP) if offset else 0
    articles = Article.objects.select_related("law").in_bulk([h.object_id for h in hits])
    pairs = [(articles[h.object_id], h) for h in hits if h.object_id in articles]
    return pairs, search_count(kind=SEARCH_KIND_ARTICLE, q=q, cap=SEARCH_COUNT_CAP)


def item_picker(*, agency_ids: Iterable[int], penalty_only: bool = True) -> list[dict[str, Any]]:
    """The active, published items of these agencies for a picker (the officer's own agency's list,
    never another city's): id, code, name, agency, the fine range as people read it, and the discretion
    tiers with their ranges, so a tier list can follow the chosen item. Two queries."""
    qs = PowerItem.objects.filter(
        agency_id__in=list(agency_ids), status=PowerItem.Status.ACTIVE, published_version__isnull=False
    )
    if penalty_only:
        qs = qs.filter(published_version__category=Category.PENALTY)
    qs = qs.select_related("published_version").prefetch_related(
        Prefetch("published_version__tiers", queryset=DiscretionTier.objects.order_by("position"))
    )
    out = []
    for item in qs.order_by("code"):
        version = item.published_version
        assert version is not None
        out.append(
            {
                "id": item.pk,
                "code": item.code,
                "name": version.name,
                "agency_id": item.agency_id,
                "party_type": version.party_type,
                "range": fine_range(version),
                "tiers": [
                    {
                        "name": tier.name,
                        "range": fine_range(version, tier.fine_min, tier.fine_max),
                        "circumstances": tier.circumstances,
                    }
                    for tier in version.tiers.all()
                ],
            }
        )
    return out


# item_codes_and_names: compiled once per process and count of agencies (core.prepared)
_ITEM_CODES_AND_NAMES: PreparedIn[tuple[int, str, str | None]] = PreparedIn(
    lambda ids: (
        PowerItem.objects.filter(agency_id__in=ids)
        .order_by("code")
        .values_list("id", "code", "published_version__name")
    ),
    markers=(),
    list_marker=-730_100_320,
)


def item_codes_and_names(agency_ids: list[int]) -> list[tuple[int, str, str | None]]:
    """(id, code, published name or None) of these agencies' power items by code (a filter's choices)."""
    return _ITEM_CODES_AND_NAMES(agency_ids)
