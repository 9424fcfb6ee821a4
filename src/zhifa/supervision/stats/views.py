from __future__ import annotations

from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.core import access
from zhifa.core.markup import options_html
from zhifa.core.params import date_param, int_param
from zhifa.org.selectors import agency_names, scope_agency_ids
from zhifa.supervision.stats import export
from zhifa.supervision.stats.charts import agency_rows_html, bar_chart
from zhifa.supervision.stats.selectors import Summary, stats_summary


@access.login
def summary(request: HttpRequest) -> HttpResponse:
    date_from = date_param(request.GET.get("from"))
    date_to = date_param(request.GET.get("to"))
    error = ""
    if date_from and date_to and date_from > date_to:
        error = _("The start date is after the end date.")
        date_from = date_to = None
    agency_id = int_param(request.GET.get("agency"))
    fmt = request.GET.get("format")
    # (id, name) in tree order, for the filter and the rows' names (org.selectors, compiled once)
    agencies = agency_names(scope_agency_ids(request.user))
    s = stats_summary(
        user=request.user,
        agency_id=agency_id,
        date_from=date_from,
        date_to=date_to,
        agency_names=dict(agencies),
    )
    if fmt in ("csv", "xlsx") and not error:
        return _download(s, fmt)
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "stats/summary.html",
        {
            "s": s,
            "error": error,
            "agency_id": agency_id,
            "agency_options": options_html((pk, name, pk == agency_id) for pk, name in agencies),
            "agency_rows": agency_rows_html(
                s.by_agency, labels=(_("Cases"), _("Fines decided (yuan)"), _("Paid (yuan)"))
            ),
            "date_from": date_from,
            "date_to": date_to,
            "state_chart": bar_chart([(r.label, r.count) for r in s.by_state], title=_("Cases by state")),
            "category_chart": bar_chart(
                [(r.label, r.count) for r in s.by_category], title=_("Cases by category")
            ),
            "agency_chart": bar_chart([(r.label, r.count) for r in s.by_agency], title=_("Cases by agency")),
            "month_chart": bar_chart(
                [(r.label, r.count) for r in s.by_month], title=_("Cases registered per month")
            ),
            "query": query.urlencode(),
        },
    )


def _download(s: Summary, fmt: str) -> HttpResponse:
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response = HttpResponse(export.as_csv(s), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            export.as_xlsx(s),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    name = f"{_('Case statistics')}-{stamp}.{fmt}"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
