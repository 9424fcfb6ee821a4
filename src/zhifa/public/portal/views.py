"""The public disclosure portal (执法公示): before (agencies, officers, powers, guides), during (the
credential check), after (published decisions, withdrawals, statistics). No login, no JavaScript
needed to read, cached for anonymous visitors (portal.cache)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from zhifa.core import access
from zhifa.core.params import int_param
from zhifa.law import complaints as complaint_rules
from zhifa.law import disclosure as disclosure_rules
from zhifa.public.portal import charts, fragments
from zhifa.public.portal import selectors as sel
from zhifa.public.portal.cache import cached_page

PAGE_SIZE = 20


def reading_page(template: str, context: dict[str, Any]) -> HttpResponse:
    """A reading page, rendered without the request: it is the same for every visitor, so no context
    processor runs and neither the session nor the user is loaded (a visitor who carries a session
    cookie, e.g. an official, costs no session query; the portal header shows no user, and these views
    never add messages, so nothing differs). Views that read the user (the power list) use `render`."""
    return HttpResponse(render_to_string(template, context))


@access.public
@require_GET
@cached_page()
def home(request: HttpRequest) -> HttpResponse:
    latest = sel.decision_page(page=1, page_size=8)
    return reading_page(
        "portal/home.html",
        {
            "latest_rows": fragments.rows_html(latest.items),
            "agencies": sel.public_agencies(),
            "section": "home",
        },
    )


@access.public
@require_GET
@cached_page()
def before(request: HttpRequest) -> HttpResponse:
    return reading_page("portal/before.html", {"agencies": sel.public_agencies(), "section": "before"})


@access.public
@require_GET
@cached_page()
def agency(request: HttpRequest, agency_id: int) -> HttpResponse:
    node = sel.public_agency_get(agency_id)
    if node is None:
        raise Http404
    from zhifa.officers.selectors import credentials_in_force
    from zhifa.org.selectors import child_units

    units = child_units(node.pk)
    latest = sel.decision_page(agency_id=node.pk, page=1, page_size=10).items
    return reading_page(
        "portal/agency.html",
        {
            "agency": node,
            "units": units,
            "officers": credentials_in_force(agency_id=node.pk, on=timezone.localdate()),
            "latest_rows": fragments.rows_html(latest),
            "section": "before",
        },
    )


@access.public
@require_GET
@cached_page()
def guides(request: HttpRequest) -> HttpResponse:
    return reading_page(
        "portal/guides.html",
        {
            "section": "before",
            "acceptance_days": complaint_rules.ACCEPTANCE_PERIOD.days,
            "conclusion_days": complaint_rules.CONCLUSION_PERIOD.days,
            "max_extension": complaint_rules.MAX_EXTENSION_DAYS,
            "feedback_days": complaint_rules.FEEDBACK_PERIOD.days,
            "publish_days": disclosure_rules.publication_window(agency=None).value,
        },
    )


@access.public
@require_GET
@cached_page()
def during(request: HttpRequest) -> HttpResponse:
    return reading_page("portal/during.html", {"section": "during"})


@access.public
@require_GET
@cached_page(timeout=120)
def decisions(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "")[:100]
    agency_id = int_param(request.GET.get("agency"))
    # The page's rows in one statement (ids by the index, then those rows), formatted in Python
    # (portal.fragments); the agency filter from a cached list of names.
    page = sel.decision_list_page(
        q=q, agency_id=agency_id, page=int_param(request.GET.get("page"), 1) or 1, page_size=PAGE_SIZE
    )
    return reading_page(
        "portal/decisions.html",
        {
            "page": page,
            "rows": fragments.rows_html(page.rows),
            "q": q,
            "agency_id": agency_id,
            "agency_options": fragments.agency_options_html(sel.public_agency_choices(), agency_id),
            "withdrawn": sel.recently_withdrawn() if not q and page.number == 1 else [],
            "section": "after",
        },
    )


@access.public
@require_GET
@cached_page()
def decision(request: HttpRequest, decision_id: int) -> HttpResponse:
    item = sel.decision_public_get(decision_id, fields=sel.PUBLIC_PAGE_FIELDS)
    if item is None:
        raise Http404
    return reading_page("portal/decision.html", {"d": item, "section": "after"})


MONTHS = [f"{m}月" for m in range(1, 13)]


@access.public
@require_GET
@cached_page()
def stats(request: HttpRequest) -> HttpResponse:
    years = sel.stats_years()
    this_year = timezone.localdate().year
    year = int_param(request.GET.get("year"), years[0] if years else this_year) or this_year
    agency_id = int_param(request.GET.get("agency"))
    data = sel.decision_stats(year=year, agency_id=agency_id)
    return reading_page(
        "portal/stats.html",
        {
            "data": data,
            "year": year,
            "years": years or [this_year],
            "agency_id": agency_id,
            "agencies": sel.public_agencies(),
            "months": list(zip(MONTHS, data.months, strict=True)),
            "count_chart": charts.column_chart(
                MONTHS,
                [m.count for m in data.months],
                title=_("Decisions per month, %(year)s") % {"year": year},
            ),
            "amount_chart": charts.column_chart(
                MONTHS,
                [m.amount for m in data.months],
                title=_("Fines per month (yuan), %(year)s") % {"year": year},
            ),
            "agency_chart": charts.bar_chart(
                [r.name for r in data.by_agency],
                [r.count for r in data.by_agency],
                title=_("Decisions by agency"),
            ),
            "category_chart": charts.bar_chart(
                [r.name for r in data.by_category],
                [r.count for r in data.by_category],
                title=_("Decisions by category"),
            ),
            "section": "stats",
        },
    )


# --- the power list (权力清单) with guides and the procedure diagram -------------------------------


@access.public
@require_GET
@cached_page()
def powers(request: HttpRequest) -> HttpResponse:
    from django.core.paginator import Paginator

    from zhifa.powers.selectors import Category, PowerFilters, power_item_list_for

    category = request.GET.get("category", "")
    filters = PowerFilters(
        q=(request.GET.get("q") or "")[:100],
        category=category if category in Category.values else "",
        agency=int_param(request.GET.get("agency")),
    )
    # The anonymous user sees what the public may: published, active items only.
    page = Paginator(power_item_list_for(user=request.user, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/powers.html",
        {
            "page": page,
            "filters": filters,
            "categories": Category.choices,
            "agencies": sel.public_agencies(),
            "query": query.urlencode(),
            "section": "before",
        },
    )


@access.public
@require_GET
@cached_page()
def power(request: HttpRequest, item_id: int) -> HttpResponse:
    from zhifa.powers.selectors import Category, power_item_get

    item = power_item_get(item_id=item_id, user=request.user)
    if item is None or item.published_version is None:
        raise Http404
    version = item.published_version
    diagram = None
    if version.category == Category.PENALTY:
        from zhifa.public.portal.flowchart import procedure_svg

        diagram = procedure_svg(
            "ordinary",
            title=_("Procedure diagram: ordinary penalty procedure"),
            note=_(
                "At any open stage the case may be suspended, resumed or terminated with the approver's decision."
            ),
        )
    from zhifa.enforcement.cases.selectors import no_penalty_list_public

    return render(
        request,
        "portal/power.html",
        {
            "item": item,
            "v": version,
            "diagram": diagram,
            "no_penalty": list(no_penalty_list_public(power_item_id=item.pk)),
            "section": "before",
        },
    )


@access.public
@require_GET
@cached_page()
def procedure(request: HttpRequest, name: str) -> HttpResponse:
    """The penalty procedures as diagrams (运行流程图), ordinary and simple."""
    from zhifa.public.portal.flowchart import procedure_svg

    if name not in ("ordinary", "simple"):
        raise Http404
    title = (
        _("Ordinary penalty procedure") if name == "ordinary" else _("Simple (on-the-spot) penalty procedure")
    )
    diagram = procedure_svg(
        name,
        title=title,
        note=_(
            "At any open stage the case may be suspended, resumed or terminated with the approver's decision."
        ),
    )
    return reading_page(
        "portal/procedure.html",
        {"title": title, "diagram": diagram, "name": name, "section": "before"},
    )


@access.public
@require_GET
@cached_page()
def dispositions(request: HttpRequest) -> HttpResponse:
    """罚没物品处置结果: what became of confiscated and seized property."""
    from django.core.paginator import Paginator

    paginated = Paginator(sel.public_dispositions(), 30).get_page(request.GET.get("page"))
    return reading_page("portal/dispositions.html", {"page": paginated, "section": "after"})


# --- the 免罚清单 (行政处罚法第三十三条第一款; 政府信息公开条例第二十条第（六）项) ---------------------------


@access.public
@require_GET
@cached_page()
def no_penalty_list(request: HttpRequest) -> HttpResponse:
    """The lines in force of the jurisdictions' lists of minor violations not penalised: published as a
    condition of imposing penalties (政府信息公开条例第二十条第（六）项)."""
    from django.core.paginator import Paginator

    from zhifa.enforcement.cases.selectors import no_penalty_list_public

    paginated = Paginator(no_penalty_list_public(), 50).get_page(request.GET.get("page"))
    return reading_page("portal/no_penalty_list.html", {"page": paginated, "section": "before"})
