"""JSON API of the power list and the law library (shared/API.md: /powers, /powers/import, /laws).

No `from __future__ import annotations` here: ninja reads the parameter types of handlers wrapped by
`access.roles`, whose globals are not this module's, so the annotations must be real objects.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from zhifa.core import access
from zhifa.core.api import ErrorOut, Page
from zhifa.core.errors import InvalidInput, NotFound
from zhifa.org.roles import Role
from zhifa.org.selectors import agency_by_id
from zhifa.powers import discretion, selectors
from zhifa.powers.content import (
    CATEGORY_BY_LABEL,
    LABEL_BY_CATEGORY,
    PARTY_BY_LABEL,
    TierContent,
    VersionContent,
)
from zhifa.powers.content import content_of as version_content
from zhifa.powers.importing import MAX_FILE_BYTES, export_rows, import_power_list, to_csv, to_xlsx
from zhifa.powers.lawtext import cn_to_int
from zhifa.powers.models import Category, Law, PartyType, PowerItem, PowerItemVersion, Provision
from zhifa.powers.services import (
    power_item_create,
    power_item_discard_draft,
    power_item_publish,
    power_item_save_draft,
    power_item_set_status,
)

router = Router(tags=["powers"])

ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# --- Output ---------------------------------------------------------------------------------------


class ProvisionOut(Schema):
    text: str
    law: str
    article_number: int | None
    clause: str
    resolved: bool
    law_id: int | None
    article_id: int | None


class LegalBasisOut(Schema):
    violated: list[ProvisionOut]
    penalty: list[ProvisionOut]


class TierOut(Schema):
    id: int
    name: str
    circumstances: str
    fine_min: Decimal | None
    fine_max: Decimal | None
    measures: str


class PowerItemOut(Schema):
    id: int
    code: str
    name: str
    category: str
    category_label: str
    agency: int | None
    agency_name: str
    area: str
    status: str
    version: int | None
    version_id: int | None
    version_status: str
    published_at: dt.datetime | None
    has_draft: bool
    party_type: str
    fine_min: Decimal | None
    fine_max: Decimal | None
    fine_basis: str
    penalty_text: str
    other_measures: str
    guide: str
    violated_provision: str
    penalty_provision: str
    legal_basis: LegalBasisOut
    tiers: list[TierOut]


def _provision_out(p: Provision) -> dict[str, Any]:
    return {
        "text": p.text,
        "law": p.law_name,
        "article_number": p.article_number,
        "clause": p.clause,
        "resolved": p.article_id is not None,
        "law_id": p.article.law_id if p.article is not None else None,
        "article_id": p.article_id,
    }


def version_out(item: PowerItem, version: PowerItemVersion | None, *, has_draft: bool) -> dict[str, Any]:
    """The JSON of an item showing `version` (its live version, or a draft for administrators)."""
    base: dict[str, Any] = {
        "id": item.id,
        "code": item.code,
        "agency": item.agency_id,
        "agency_name": item.agency.name if item.agency else "",
        "area": item.area,
        "status": item.status,
        "has_draft": has_draft,
    }
    if version is None:
        return base | {
            "name": "",
            "category": "",
            "category_label": "",
            "version": None,
            "version_id": None,
            "version_status": "",
            "published_at": None,
            "party_type": "",
            "fine_min": None,
            "fine_max": None,
            "fine_basis": "",
            "penalty_text": "",
            "other_measures": "",
            "guide": "",
            "violated_provision": "",
            "penalty_provision": "",
            "legal_basis": {"violated": [], "penalty": []},
            "tiers": [],
        }
    provisions = list(version.provisions.all())
    return base | {
        "name": version.name,
        "category": version.category,
        "category_label": LABEL_BY_CATEGORY.get(Category(version.category), ""),
        "version": version.number,
        "version_id": version.id,
        "version_status": version.status,
        "published_at": version.published_at,
        "party_type": version.party_type,
        "fine_min": version.fine_min,
        "fine_max": version.fine_max,
        "fine_basis": version.fine_basis,
        "penalty_text": version.penalty_text,
        "other_measures": version.other_measures,
        "guide": version.guide,
        "violated_provision": version.violated_provision,
        "penalty_provision": version.penalty_provision,
        "legal_basis": {
            "violated": [_provision_out(p) for p in provisions if p.role == Provision.Role.VIOLATED],
            "penalty": [_provision_out(p) for p in provisions if p.role == Provision.Role.PENALTY],
        },
        "tiers": [
            {
                "id": t.id,
                "name": t.name,
                "circumstances": t.circumstances,
                "fine_min": t.fine_min,
                "fine_max": t.fine_max,
                "measures": t.measures,
            }
            for t in version.tiers.all()
        ],
    }


def item_out(item: PowerItem) -> dict[str, Any]:
    has_draft = bool(getattr(item, "has_draft", False))
    version = item.published_version
    if version is None:
        version = selectors.draft_of(item)  # only administrators see unpublished items
    return version_out(item, version, has_draft=has_draft)


# --- Input ----------------------------------------------------------------------------------------


class TierIn(Schema):
    name: str
    circumstances: str = ""
    fine_min: Decimal | None = None
    fine_max: Decimal | None = None
    measures: str = ""
    source: str = ""


class PowerItemIn(Schema):
    code: str
    name: str
    category: str
    party_type: str = "any"
    violated_provision: str = ""
    penalty_provision: str = ""
    penalty_text: str = ""
    fine_min: Decimal | None = None
    fine_max: Decimal | None = None
    fine_basis: str = ""
    other_measures: str = ""
    guide: str = ""
    source: str = ""
    tiers: list[TierIn] = []
    agency_id: int | None = None
    area: str = ""
    publish: bool = False
    change_note: str = ""


class PowerItemPatch(Schema):
    name: str | None = None
    category: str | None = None
    party_type: str | None = None
    violated_provision: str | None = None
    penalty_provision: str | None = None
    penalty_text: str | None = None
    fine_min: Decimal | None = None
    fine_max: Decimal | None = None
    fine_basis: str | None = None
    other_measures: str | None = None
    guide: str | None = None
    source: str | None = None
    tiers: list[TierIn] | None = None
    agency_id: int | None = None
    area: str | None = None
    status: str | None = None
    publish: bool = False
    change_note: str = ""


def _category(value: str) -> str:
    if value in Category.values:
        return value
    return str(CATEGORY_BY_LABEL.get(value, value))


def _party(value: str) -> str:
    if value in PartyType.values:
        return value
    return str(PARTY_BY_LABEL.get(value, value))


def _tiers(tiers: list[TierIn]) -> tuple[TierContent, ...]:
    return tuple(
        TierContent(t.name.strip(), t.circumstances, t.fine_min, t.fine_max, t.measures, t.source)
        for t in tiers
    )


def _agency(agency_id: int | None) -> Any | None:
    if agency_id is None:
        return None
    agency = agency_by_id(agency_id)
    if agency is None:
        raise InvalidInput(_("Unknown agency."), detail={"field": "agency_id"})
    return agency


# --- Power items ----------------------------------------------------------------------------------


@router.get("/powers", response=list[PowerItemOut])
@paginate(Page)
@access.login
def power_list(
    request: HttpRequest,
    *,
    q: str = "",
    category: str = "",
    area: str = "",
    agency: int | None = None,
    party_type: str = "",
    status: str = "",
) -> Any:
    filters = selectors.PowerFilters(
        q=q[:200],
        category=_category(category) if category else "",
        area=area,
        agency=agency,
        party_type=_party(party_type) if party_type else "",
        status=status,
    )
    return _Mapped(selectors.power_item_list_for(user=request.user, filters=filters))


class _Mapped:
    """A queryset whose slices come back as JSON dicts (so pagination counts and slices in SQL)."""

    def __init__(self, qs: Any) -> None:
        self.qs = qs

    def count(self) -> int:
        return int(self.qs.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[dict[str, Any]]:
        return [item_out(item) for item in self.qs[key]]


@router.post("/powers", response={201: PowerItemOut, **ERRORS})
@access.roles(Role.ADMIN)
def power_create(request: HttpRequest, payload: PowerItemIn) -> Status[dict[str, Any]]:
    content = VersionContent(
        name=payload.name.strip(),
        category=_category(payload.category),
        party_type=_party(payload.party_type),
        violated_provision=payload.violated_provision,
        penalty_provision=payload.penalty_provision,
        penalty_text=payload.penalty_text,
        fine_min=payload.fine_min,
        fine_max=payload.fine_max,
        fine_basis=payload.fine_basis,
        other_measures=payload.other_measures,
        guide=payload.guide,
        source=payload.source,
        tiers=_tiers(payload.tiers),
    )
    item = power_item_create(
        actor=request.user,
        code=payload.code,
        content=content,
        agency=_agency(payload.agency_id),
        area=payload.area,
        publish=payload.publish,
        change_note=payload.change_note,
    )
    return Status(201, _item_or_404(request, item.id))


def _item_or_404(request: HttpRequest, item_id: int) -> dict[str, Any]:
    item = selectors.power_item_get(item_id=item_id, user=request.user)
    if item is None:
        raise NotFound(_("No such power item."))
    item.has_draft = item.versions.filter(status=PowerItemVersion.Status.DRAFT).exists()  # type: ignore[attr-defined]
    return item_out(item)


@router.get("/powers/export", response={200: None, **ERRORS})
@access.login
def power_export(request: HttpRequest, format: str = "csv", file: str = "items") -> HttpResponse:
    if format not in ("csv", "xlsx") or file not in ("items", "tiers"):
        raise InvalidInput(_("Choose format csv or xlsx and file items or tiers."))
    items, tiers = export_rows(selectors.version_list_for_export())
    rows = items if file == "items" else tiers
    name = "power_items" if file == "items" else "discretion_tiers"
    if format == "csv":
        response = HttpResponse(to_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            to_xlsx(rows, title=name),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{format}"'
    return response


class ImportErrorOut(Schema):
    file: str
    row: int
    message: str


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    errors: list[ImportErrorOut]


class ImportRejectedOut(ImportOut):
    """422: the error format of the API plus the import result, so both kinds of client read it."""

    code: str
    message: str
    detail: dict[str, Any]


def _read_upload(upload: UploadedFile | None) -> tuple[str, bytes] | None:
    if upload is None:
        return None
    if upload.size and upload.size > MAX_FILE_BYTES:
        raise InvalidInput(_("The file is larger than 20 MB."), code="file_too_large")
    return upload.name or "upload", upload.read()


@router.post("/powers/import", response={200: ImportOut, **ERRORS, 422: ImportRejectedOut})
@access.roles(Role.ADMIN)
def power_import(
    request: HttpRequest,
    *,
    items: File[UploadedFile | None] = None,
    tiers: File[UploadedFile | None] = None,
    agency_id: Form[int | None] = None,
    area: Form[str] = "",
    publish: Form[bool] = True,
) -> Any:
    """CSV or XLSX in the shared column format; all rows are checked and nothing is written while
    any row has an error (422 with the row-level errors)."""
    result = import_power_list(
        actor=request.user,
        items=_read_upload(items),
        tiers=_read_upload(tiers),
        agency=_agency(agency_id),
        area=area,
        publish=publish,
    )
    body = result.as_dict()
    if result.errors:
        return Status(
            422,
            {
                "code": "import_rejected",
                "message": _("The file has errors; nothing was imported."),
                "detail": {"errors": body["errors"]},
                **body,
            },
        )
    return Status(200, body)


class UnresolvedOut(Schema):
    item_id: int
    code: str
    version: int
    role: str
    text: str


@router.get("/powers/unresolved", response=list[UnresolvedOut])
@paginate(Page)
@access.roles(Role.ADMIN)
def power_unresolved(request: HttpRequest) -> Any:
    return [
        {
            "item_id": p.version.item_id,
            "code": p.version.item.code,
            "version": p.version.number,
            "role": p.role,
            "text": p.text,
        }
        for p in selectors.unresolved_provisions()
    ]


@router.get("/powers/{item_id}", response={200: PowerItemOut, 404: ErrorOut})
@access.login
def power_detail(request: HttpRequest, item_id: int) -> dict[str, Any]:
    return _item_or_404(request, item_id)


@router.patch("/powers/{item_id}", response={200: PowerItemOut, **ERRORS})
@access.roles(Role.ADMIN)
def power_update(request: HttpRequest, item_id: int, payload: PowerItemPatch) -> dict[str, Any]:
    """Edit the draft (created from the live version when there is none); the live version stays as it
    is until `publish` is true (here) or POST /powers/{id}/publish."""
    item = selectors.power_item_get(item_id=item_id, user=request.user)
    if item is None:
        raise NotFound(_("No such power item."))
    fields = payload.model_dump(exclude_unset=True)
    content_fields = set(fields) - {"agency_id", "area", "status", "publish", "change_note"}
    if content_fields or "agency_id" in fields or "area" in fields:
        draft = selectors.draft_of(item)
        current = draft or item.published_version
        if current is None:
            raise NotFound(_("No such power item."))
        content = version_content(current)
        changes: dict[str, Any] = {k: fields[k] for k in content_fields if k != "tiers"}
        if "category" in changes:
            changes["category"] = _category(changes["category"])
        if "party_type" in changes:
            changes["party_type"] = _party(changes["party_type"])
        new = VersionContent(**{**content.__dict__, **changes})
        if payload.tiers is not None:
            new = new.with_tiers(_tiers(payload.tiers))
        power_item_save_draft(
            actor=request.user,
            item_id=item.id,
            content=new,
            change_note=payload.change_note,
            agency=_agency(fields["agency_id"]) if "agency_id" in fields else "unchanged",
            area=fields.get("area"),
        )
    if payload.status:
        power_item_set_status(actor=request.user, item_id=item.id, status=payload.status)
    if payload.publish:
        power_item_publish(actor=request.user, item_id=item.id)
    return _item_or_404(request, item.id)


@router.post("/powers/{item_id}/publish", response={200: PowerItemOut, **ERRORS})
@access.roles(Role.ADMIN)
def power_publish(request: HttpRequest, item_id: int) -> dict[str, Any]:
    power_item_publish(actor=request.user, item_id=item_id)
    return _item_or_404(request, item_id)


@router.delete("/powers/{item_id}/draft", response={204: None, **ERRORS})
@access.roles(Role.ADMIN)
def power_discard_draft(request: HttpRequest, item_id: int) -> Status[None]:
    power_item_discard_draft(actor=request.user, item_id=item_id)
    return Status(204, None)


class VersionSummaryOut(Schema):
    id: int
    number: int
    status: str
    name: str
    change_note: str
    created_at: dt.datetime
    published_at: dt.datetime | None


@router.get("/powers/{item_id}/versions", response={200: list[VersionSummaryOut], 404: ErrorOut})
@access.login
def power_versions(request: HttpRequest, item_id: int) -> Any:
    item = selectors.power_item_get(item_id=item_id, user=request.user)
    if item is None:
        raise NotFound(_("No such power item."))
    versions = selectors.version_history(item)
    if not selectors.can_manage(request.user):
        versions = versions.exclude(status=PowerItemVersion.Status.DRAFT)
    return list(versions)


@router.get("/powers/{item_id}/versions/{number}", response={200: PowerItemOut, 404: ErrorOut})
@access.login
def power_version_detail(request: HttpRequest, item_id: int, number: int) -> dict[str, Any]:
    """One version as it was (cases show the version they used)."""
    item = selectors.power_item_get(item_id=item_id, user=request.user)
    version_id = (
        item.versions.filter(number=number).values_list("id", flat=True).first() if item is not None else None
    )
    version = selectors.version_get(version_id=version_id) if version_id else None
    if (
        item is None
        or version is None
        or (version.status == PowerItemVersion.Status.DRAFT and not selectors.can_manage(request.user))
    ):
        raise NotFound(_("No such version."))
    return version_out(item, version, has_draft=False)


class RangeOut(Schema):
    min: Decimal | None
    max: Decimal | None


class DiscretionOut(Schema):
    legal_range: RangeOut | None
    permitted_range: RangeOut
    classification: str | None


class DiscretionQuery(Schema):
    party_kind: str
    tier: str = ""
    amount: str = ""
    base_amount: str = ""


@router.get("/powers/{item_id}/discretion", response={200: DiscretionOut, **ERRORS})
@access.login
def power_discretion(request: HttpRequest, item_id: int, params: Query[DiscretionQuery]) -> dict[str, Any]:
    """The permitted range for a tier and party and, with `amount`, where that amount lies."""
    item = selectors.power_item_get(item_id=item_id, user=request.user)
    if item is None or item.published_version is None:
        raise NotFound(_("No such power item."))
    version = item.published_version
    base = params.base_amount or None
    legal = discretion.legal_range(version=version, party_kind=params.party_kind, base_amount=base)
    permitted = discretion.permitted_range(
        version=version, tier_name=params.tier, party_kind=params.party_kind, base_amount=base
    )
    classification = None
    if params.amount:
        classification = str(
            discretion.classify_amount(
                version=version,
                tier_name=params.tier,
                party_kind=params.party_kind,
                amount=params.amount,
                base_amount=base,
            )
        )
    return {
        "legal_range": {"min": legal.min, "max": legal.max} if legal else None,
        "permitted_range": {"min": permitted.min, "max": permitted.max},
        "classification": classification,
    }


# --- Law library ----------------------------------------------------------------------------------


class ArticleHitOut(Schema):
    article_id: int
    number: int
    number_text: str
    chapter: str
    snippet_html: str
    rank: float


class LawOut(Schema):
    id: int
    title: str
    short_name: str
    kind: str
    kind_label: str
    revised_on: dt.date
    effective_on: dt.date | None
    status: str
    article: ArticleHitOut | None = None


def _law_out(law: Law, article: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "id": law.id,
        "title": law.title,
        "short_name": law.short_name,
        "kind": law.kind,
        "kind_label": str(law.get_kind_display()),
        "revised_on": law.revised_on,
        "effective_on": law.effective_on,
        "status": law.status,
        "article": article,
    }


class _Hits:
    """Article hits for a query, ranked, sliced in the database by the paginator."""

    def __init__(self, q: str) -> None:
        self.q = q
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            from zhifa.core.search import search_count

            self._count = search_count(kind="article", q=self.q)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[dict[str, Any]]:
        start = key.start or 0
        pairs, _total = selectors.article_search(q=self.q, limit=(key.stop or start) - start, offset=start)
        return [
            _law_out(
                a.law,
                {
                    "article_id": a.id,
                    "number": a.number,
                    "number_text": a.number_text,
                    "chapter": a.chapter,
                    "snippet_html": hit.snippet_html,
                    "rank": hit.rank,
                },
            )
            for a, hit in pairs
        ]


class _Laws:
    def __init__(self, qs: Any) -> None:
        self.qs = qs

    def count(self) -> int:
        return int(self.qs.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[dict[str, Any]]:
        return [_law_out(law) for law in self.qs[key]]


@router.get("/laws", response=list[LawOut])
@paginate(Page)
@access.login
def law_list(request: HttpRequest, q: str = "", kind: str = "") -> Any:
    """Without `q`: the laws of the library. With `q`: full-text search, one result per matching
    article (best first), each with its law and a highlighted snippet."""
    if q.strip():
        return _Hits(q[:200])
    qs = Law.objects.order_by("kind", "short_name", "-revised_on")
    if kind:
        qs = qs.filter(kind=kind)
    return _Laws(qs)


class ArticleOut(Schema):
    id: int
    law_id: int
    law_title: str
    law_short_name: str
    number: int
    number_text: str
    chapter: str
    text: str


@router.get("/laws/{law_id}/articles/{no}", response={200: ArticleOut, 404: ErrorOut})
@access.login
def law_article(request: HttpRequest, law_id: int, no: str) -> dict[str, Any]:
    """`no` as a number (64) or as written (第六十四条 / 六十四)."""
    text = no.strip().removeprefix("第").removesuffix("条")
    try:
        number = cn_to_int(text)
    except ValueError as exc:
        raise NotFound(_("No such article.")) from exc
    article = selectors.article_get(law_id=law_id, number=number)
    if article is None:
        raise NotFound(_("No such article."))
    return {
        "id": article.id,
        "law_id": article.law_id,
        "law_title": article.law.title,
        "law_short_name": article.law.short_name,
        "number": article.number,
        "number_text": article.number_text,
        "chapter": article.chapter,
        "text": article.text,
    }
