"""Pages of the power list and the law library: thin views over selectors and services."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhifa.core import access
from zhifa.core.errors import DomainError
from zhifa.core.search import RANK_WINDOW
from zhifa.org.roles import Role
from zhifa.powers import discretion, selectors
from zhifa.powers.content import VERSION_FIELDS, content_of
from zhifa.powers.forms import (
    DiscretionForm,
    ImportForm,
    PowerItemForm,
    TierFormSet,
    initial_from,
    tier_initial,
    tiers_from,
)
from zhifa.powers.importing import export_rows, to_csv, to_xlsx
from zhifa.powers.jobs import import_job_create
from zhifa.powers.models import Category, ImportJob, Law, PartyType, PowerItem, PowerItemVersion, Provision
from zhifa.powers.services import (
    power_item_create,
    power_item_discard_draft,
    power_item_publish,
    power_item_save_draft,
    power_item_set_status,
)

PAGE_SIZE = 50


def _page(request: HttpRequest, qs: Any, size: int = PAGE_SIZE) -> Any:
    return Paginator(qs, size).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --- Power list -------------------------------------------------------------------------------------


@access.login
@require_GET
def power_list(request: HttpRequest) -> HttpResponse:
    g = request.GET
    agency = g.get("agency", "")
    filters = selectors.PowerFilters(
        q=g.get("q", "")[:200],
        category=g.get("category", "") if g.get("category", "") in Category.values else "",
        area=g.get("area", "")[:50],
        agency=int(agency) if agency.isdigit() else None,
        party_type=g.get("party_type", "") if g.get("party_type", "") in PartyType.values else "",
        status=g.get("status", ""),
    )
    page = _page(request, selectors.power_item_list_for(user=request.user, filters=filters))
    context = {
        "page": page,
        "filters": filters,
        "categories": Category.choices,
        "party_types": PartyType.choices,
        "areas": PowerItem.objects.exclude(area="")
        .values_list("area", flat=True)
        .distinct()
        .order_by("area"),
        "can_manage": selectors.can_manage(request.user),
        "query": _query_without_page(request),
    }
    template = "powers/_list_results.html" if request.htmx else "powers/list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _item_or_404(request: HttpRequest, item_id: int) -> PowerItem:
    item = selectors.power_item_get(item_id=item_id, user=request.user)
    if item is None:
        raise Http404
    return item


def _provisions(version: PowerItemVersion) -> dict[str, list[Provision]]:
    provisions = list(version.provisions.all())
    return {
        "violated": [p for p in provisions if p.role == Provision.Role.VIOLATED],
        "penalty": [p for p in provisions if p.role == Provision.Role.PENALTY],
    }


def _detail(request: HttpRequest, item: PowerItem, version: PowerItemVersion, **extra: Any) -> HttpResponse:
    manage = selectors.can_manage(request.user)
    draft = selectors.draft_of(item) if manage else None
    changed: list[str] = []
    if draft is not None and item.published_version is not None:
        before, after = content_of(item.published_version), content_of(draft)
        labels = {f.name: f.verbose_name for f in PowerItemVersion._meta.fields}
        changed = [str(labels[n]) for n in VERSION_FIELDS if getattr(before, n) != getattr(after, n)]
        if before.tiers != after.tiers:
            changed.append(_("discretion tiers"))
    return render(
        request,
        "powers/detail.html",
        {
            "item": item,
            "version": version,
            "provisions": _provisions(version),
            "tiers": list(version.tiers.all()),
            "history": selectors.version_history(item)
            if manage
            else selectors.version_history(item).exclude(status=PowerItemVersion.Status.DRAFT),
            "draft": draft,
            "draft_changes": changed,
            "can_manage": manage,
            "discretion_form": DiscretionForm(),
            "needs_base": not version.is_fixed_amount,
            **extra,
        },
    )


@access.login
@require_GET
def power_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _item_or_404(request, item_id)
    version = item.published_version or selectors.draft_of(item)
    if version is None:
        raise Http404
    return _detail(request, item, version)


@access.login
@require_GET
def power_version(request: HttpRequest, item_id: int, number: int) -> HttpResponse:
    item = _item_or_404(request, item_id)
    version_id = item.versions.filter(number=number).values_list("id", flat=True).first()
    version = selectors.version_get(version_id=version_id) if version_id else None
    if version is None or (
        version.status == PowerItemVersion.Status.DRAFT and not selectors.can_manage(request.user)
    ):
        raise Http404
    return _detail(request, item, version, viewing_version=True)


@access.login
@require_GET
def power_discretion(request: HttpRequest, item_id: int) -> HttpResponse:
    """The calculator on the item page (htmx): permitted range and where a proposed fine lies."""
    item = _item_or_404(request, item_id)
    version = item.published_version
    form = DiscretionForm(request.GET)
    context: dict[str, Any] = {"form": form}
    status = 200
    if version is None:
        raise Http404
    if form.is_valid():
        d = form.cleaned_data
        try:
            legal = discretion.legal_range(
                version=version, party_kind=d["party_kind"], base_amount=d["base_amount"]
            )
            context["legal"] = legal
            context["permitted"] = discretion.permitted_range(
                version=version, tier_name=d["tier"], party_kind=d["party_kind"], base_amount=d["base_amount"]
            )
            if d["amount"] is not None:
                context["classification"] = discretion.classify_amount(
                    version=version,
                    tier_name=d["tier"],
                    party_kind=d["party_kind"],
                    amount=d["amount"],
                    base_amount=d["base_amount"],
                )
        except DomainError as exc:
            context["error"] = str(exc.message)
            status = 400
    else:
        status = 400
    return render(request, "powers/_discretion_result.html", context, status=status)


def _form_errors(form: Any, exc: DomainError) -> None:
    for message in exc.detail.get("errors") or [str(exc.message)]:
        form.add_error(None, message)


@access.roles(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def power_create(request: HttpRequest) -> HttpResponse:
    form = PowerItemForm(request.POST or None, creating=True)
    tiers = TierFormSet(request.POST or None, prefix="tiers")
    if request.method == "POST" and form.is_valid() and tiers.is_valid():
        try:
            item = power_item_create(
                actor=request.user,
                code=form.cleaned_data["code"].strip(),
                content=form.content(tiers_from(tiers)),
                agency=form.cleaned_data["agency"],
                area=form.cleaned_data["area"].strip(),
                publish="publish" in request.POST,
                change_note=form.cleaned_data["change_note"],
            )
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The power item was created."))
            return redirect("powers:detail", item_id=item.id)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "powers/edit.html", {"form": form, "tiers": tiers, "creating": True}, status=status
    )


@access.roles(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def power_edit(request: HttpRequest, item_id: int) -> HttpResponse:
    """Edit the draft; the published version stays live until the draft is published."""
    item = _item_or_404(request, item_id)
    source = selectors.draft_of(item) or item.published_version
    if source is None:
        raise Http404
    form = PowerItemForm(request.POST or None, initial=initial_from(source))
    tiers = TierFormSet(request.POST or None, prefix="tiers", initial=tier_initial(source))
    if request.method == "POST" and form.is_valid() and tiers.is_valid():
        try:
            power_item_save_draft(
                actor=request.user,
                item_id=item.id,
                content=form.content(tiers_from(tiers)),
                change_note=form.cleaned_data["change_note"],
                agency=form.cleaned_data["agency"],
                area=form.cleaned_data["area"].strip(),
            )
            if "publish" in request.POST:
                power_item_publish(actor=request.user, item_id=item.id)
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            published = "publish" in request.POST
            messages.success(
                request,
                _("The draft was published.") if published else _("The draft was saved; it is not live yet."),
            )
            return redirect("powers:detail", item_id=item.id)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "powers/edit.html",
        {"form": form, "tiers": tiers, "item": item, "source": source, "creating": False},
        status=status,
    )


def _act(request: HttpRequest, item_id: int, action: Any, success: str) -> HttpResponse:
    try:
        action()
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, success)
    return redirect("powers:detail", item_id=item_id)


@access.roles(Role.ADMIN)
@require_POST
def power_publish(request: HttpRequest, item_id: int) -> HttpResponse:
    _item_or_404(request, item_id)
    return _act(
        request,
        item_id,
        lambda: power_item_publish(actor=request.user, item_id=item_id),
        _("The draft was published."),
    )


@access.roles(Role.ADMIN)
@require_POST
def power_discard(request: HttpRequest, item_id: int) -> HttpResponse:
    _item_or_404(request, item_id)
    return _act(
        request,
        item_id,
        lambda: power_item_discard_draft(actor=request.user, item_id=item_id),
        _("The draft was discarded."),
    )


@access.roles(Role.ADMIN)
@require_POST
def power_status(request: HttpRequest, item_id: int) -> HttpResponse:
    _item_or_404(request, item_id)
    status = request.POST.get("status", "")
    return _act(
        request,
        item_id,
        lambda: power_item_set_status(actor=request.user, item_id=item_id, status=status),
        _("The status was changed."),
    )


@access.roles(Role.ADMIN)
@require_GET
def power_unresolved(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.unresolved_provisions(), size=100)
    return render(request, "powers/unresolved.html", {"page": page})


# --- Import and export --------------------------------------------------------------------------------


@access.roles(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def power_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            job = import_job_create(
                actor=request.user,
                items=(d["items"].name, d["items"].read()) if d["items"] else None,
                tiers=(d["tiers"].name, d["tiers"].read()) if d["tiers"] else None,
                agency=d["agency"],
                area=(d["area"] or "").strip(),
                publish=d["publish"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            return redirect("powers:import_job", job_id=job.id)
    recent = ImportJob.objects.select_related("created_by").order_by("-id")[:10]
    status = 400 if request.method == "POST" else 200
    return render(request, "powers/import.html", {"form": form, "recent": recent}, status=status)


def _job_or_404(job_id: int) -> ImportJob:
    job = ImportJob.objects.select_related("created_by", "agency").filter(id=job_id).first()
    if job is None:
        raise Http404
    return job


@access.roles(Role.ADMIN)
@require_GET
def power_import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    return render(request, "powers/import_job.html", {"job": _job_or_404(job_id)})


@access.roles(Role.ADMIN)
@require_GET
def power_import_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """Polled by the job page (htmx) until the job has finished."""
    return render(request, "powers/_import_progress.html", {"job": _job_or_404(job_id)})


@access.login
@require_GET
def power_export(request: HttpRequest, file: str, fmt: str) -> HttpResponse:
    if file not in ("power_items", "discretion_tiers") or fmt not in ("csv", "xlsx"):
        raise Http404
    # People open these in Excel: Chinese headers, and a BOM on the CSV (the import takes them back).
    items, tiers = export_rows(selectors.version_list_for_export(), chinese_headers=True)
    rows = items if file == "power_items" else tiers
    if fmt == "csv":
        response = HttpResponse(to_csv(rows, bom=True), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            to_xlsx(rows, title=file),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    label = _("Power list") if file == "power_items" else _("Discretion tiers")
    name = f"{label}-{timezone.localdate().isoformat()}.{fmt}"
    response["Content-Disposition"] = f"attachment; filename=\"{file}.{fmt}\"; filename*=UTF-8''{quote(name)}"
    return response


# --- Law library ---------------------------------------------------------------------------------------


@access.login
@require_GET
def law_list(request: HttpRequest) -> HttpResponse:
    laws = list(selectors.law_list())
    groups = [(label, [law for law in laws if law.kind == value]) for value, label in Law.Kind.choices]
    return render(request, "powers/laws.html", {"groups": [g for g in groups if g[1]]})


@access.login
@require_GET
def law_detail(request: HttpRequest, law_id: int) -> HttpResponse:
    law = selectors.law_get(law_id=law_id)
    if law is None:
        raise Http404
    articles = list(law.articles.order_by("position"))
    chapters: list[tuple[str, list[Any]]] = []
    for article in articles:
        if not chapters or chapters[-1][0] != article.chapter:
            chapters.append((article.chapter, []))
        chapters[-1][1].append(article)
    return render(request, "powers/law.html", {"law": law, "chapters": chapters, "count": len(articles)})


SEARCH_PAGE = 20


@access.login
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """One search over the law library and the power list."""
    q = request.GET.get("q", "").strip()[:200]
    kind = request.GET.get("kind", "")
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    context: dict[str, Any] = {
        "q": q,
        "kind": kind,
        "page": page,
        "count_cap": selectors.SEARCH_COUNT_CAP,
        "rank_window": RANK_WINDOW,
    }
    if q:
        offset = (page - 1) * SEARCH_PAGE
        if kind in ("", "article"):
            articles, article_total = selectors.article_search(
                q=q, limit=SEARCH_PAGE, offset=offset if kind else 0
            )
            context.update(articles=articles, article_total=article_total)
        if kind in ("", "power_item"):
            items, item_total = selectors.power_item_search(
                user=request.user, q=q, limit=SEARCH_PAGE, offset=offset if kind else 0
            )
            context.update(items=items, item_total=item_total)
        context["has_next"] = bool(kind) and page * SEARCH_PAGE < max(
            context.get("article_total", 0), context.get("item_total", 0)
        )
    template = "powers/_search_results.html" if request.htmx else "powers/search.html"  # type: ignore[attr-defined]
    return render(request, template, context)
