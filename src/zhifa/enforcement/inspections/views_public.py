"""Public pages (portal): the inspection code an enterprise scans — inspectors with their credential
check, the basis, the task, the rating — the public draw record and the list of published results.
No login; rate limited; no personal data."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from zhifa.core import access
from zhifa.core.errors import DomainError
from zhifa.enforcement.inspections import presenters, ratelimit, selectors, services
from zhifa.enforcement.inspections.models import Rating


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "inspections/public/too_many.html", status=429)


@access.public
@require_http_methods(["GET", "POST"])
def code(request: HttpRequest, code: str) -> HttpResponse:
    limits = ratelimit.RATING if request.method == "POST" else ratelimit.LOOKUP
    if not ratelimit.allow(request, limits):
        return _too_many(request)
    task = selectors.task_by_code(code)
    if task is None:
        raise Http404
    error, status = "", 200
    if request.method == "POST":
        try:
            services.rating_submit(
                code=task.code,
                visit_confirmed=request.POST.get("visit_confirmed") == "yes",
                score=request.POST.get("score", ""),
                comment=request.POST.get("comment", "")[:1000],
            )
        except DomainError as exc:
            error, status = str(exc.message), exc.status
        else:
            return redirect("inspections_public:code", task.code)
    return render(
        request,
        "inspections/public/code.html",
        {
            "p": presenters.code_page(task),
            "scores": Rating.Score.choices,
            "error": error,
            "values": request.POST,
        },
        status=status,
    )


@access.public
def draw(request: HttpRequest, draw_id: int) -> HttpResponse:
    row = selectors.draw_public_get(draw_id=draw_id)
    if row is None:
        raise Http404
    return render(request, "inspections/public/draw.html", {"d": presenters.draw_public(row)})


@access.public
def results(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    page = Paginator(selectors.published_results(q=q), 30).get_page(request.GET.get("page"))
    rows = [(t, selectors.public_target_name(t)) for t in page.object_list]
    return render(request, "inspections/public/results.html", {"page": page, "rows": rows, "q": q})
