"""Pages of the assessment: indicator sets (the tree, the editor that saves a new version, XLSX in and
out), rounds (the bureau's dashboard and its lifecycle buttons), an agency's self-check form with its
material files, the assessor's worklist and score sheet, the ranking with server-side SVG charts, and
the report PDFs. Thin: parse, selector (404 outside the scope), one service call, errors in place."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.core import access
from zhifa.core.errors import DomainError, InvalidInput
from zhifa.core.files.serving import serve_blob
from zhifa.core.params import int_param
from zhifa.core.roles import STAFF_ROLES, Role
from zhifa.org.selectors import scope_agencies, users_with_role
from zhifa.supervision.assessment import figures, ranking, report, selectors, services, set_io
from zhifa.supervision.assessment.access import may_self_check, own_agencies
from zhifa.supervision.assessment.models import Formula, Method, Participant, Round
from zhifa.supervision.assessment.workflow import ROUNDS, SELF_CHECKS
from zhifa.supervision.stats.charts import bar_chart

EDITOR_BLANK_ROWS = 5
FIELDS = (
    "code",
    "parent",
    "name",
    "points",
    "method",
    "indicator_code",
    "formula",
    "target",
    "zero_at",
    "per_item",
    "criteria",
    "materials",
)


def _status(exc: DomainError) -> int:
    return exc.status if 400 <= exc.status < 500 else 400


def _not_found(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "404.html", {"message": str(exc.message)}, status=404)


def _is_supervisor(user: Any) -> bool:
    return bool(scope_agencies(user, roles=[Role.SUPERVISOR]).exists())


@access.roles(*STAFF_ROLES)
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "assessment/home.html",
        {
            "rounds": selectors.round_list_for(request.user),
            "sets": selectors.set_list()[:20],
            "self_checks": selectors.self_checks_for(request.user),
            "work": selectors.worklist_for(request.user),
            "is_bureau": _is_supervisor(request.user),
        },
    )


# --- Indicator sets -----------------------------------------------------------------------------------


@access.roles(*STAFF_ROLES)
def set_detail(request: HttpRequest, set_id: int) -> HttpResponse:
    try:
        s = selectors.set_get(set_id)
    except DomainError as exc:
        return _not_found(request, exc)
    nodes = selectors.set_nodes(s)
    return render(
        request,
        "assessment/set.html",
        {
            "s": s,
            "nodes": [(n, set_io.weight(n, s.total_points)) for n in nodes],
            "is_bureau": _is_supervisor(request.user),
        },
    )


@access.roles(*STAFF_ROLES)
def set_export(request: HttpRequest, set_id: int) -> HttpResponse:
    try:
        s = selectors.set_get(set_id)
    except DomainError as exc:
        return _not_found(request, exc)
    response = HttpResponse(set_io.set_xlsx(s, selectors.set_nodes(s)), content_type=set_io.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="indicators-{s.code}-{s.year}-v{s.version}.xlsx"'
    return response


def _editor_rows(post: Any) -> list[dict[str, Any]]:
    count = min(int(post.get("rows", "0") or 0) if str(post.get("rows", "0")).isdigit() else 0, 500)
    rows = []
    for i in range(count):
        row = {f: post.get(f"{f}_{i}", "") for f in FIELDS}
        if any(str(v).strip() for v in row.values()):
            rows.append(row)
    return rows


@access.roles(Role.SUPERVISOR)
def set_edit(request: HttpRequest, set_id: int) -> HttpResponse:
    """Edit a set as a table; saving creates the next version (the old one stays as rounds used it)."""
    try:
        s = selectors.set_get(set_id)
    except DomainError as exc:
        return _not_found(request, exc)
    errors: list[dict[str, Any]] = []
    error, status = "", 200
    nodes = selectors.set_nodes(s)
    parents = {n.pk: n.code for n in nodes}
    rows: list[dict[str, Any]] = [
        {
            "code": n.code,
            "parent": parents.get(n.parent_id, "") if n.parent_id else "",
            "name": n.name,
            "points": n.points,
            "method": n.method,
            "indicator_code": n.indicator_code,
            "formula": n.formula,
            "target": "" if n.target is None else n.target,
            "zero_at": "" if n.zero_at is None else n.zero_at,
            "per_item": "" if n.per_item is None else n.per_item,
            "criteria": n.criteria,
            "materials": n.materials,
        }
        for n in nodes
    ]
    meta = {"name": s.name, "late_deduction": s.late_deduction, "note": ""}
    if request.method == "POST":
        rows = _editor_rows(request.POST)
        meta = {k: request.POST.get(k, "") for k in ("name", "late_deduction", "note")}
        try:
            new = services.set_create(
                actor=request.user,
                data={"code": s.code, "year": s.year, "total_points": s.total_points, "rows": rows, **meta},
            )
        except DomainError as exc:
            error, status = str(exc.message), _status(exc)
            errors = list(exc.detail.get("errors", []))
        else:
            return redirect("assessment:set", set_id=new.pk)
    by_row: dict[int, list[str]] = {}
    for e in errors:
        by_row.setdefault(int(e["row"]) - 1, []).append(str(e["message"]))
    table = [
        {"i": i, "v": r, "errors": by_row.get(i, [])}
        for i, r in enumerate([*rows, *[{}] * EDITOR_BLANK_ROWS])
    ]
    return render(
        request,
        "assessment/set_edit.html",
        {
            "s": s,
            "meta": meta,
            "table": table,
            "count": len(table),
            "error": error,
            "errors": errors,
            "methods": Method.choices,
            "formulas": Formula.choices,
        },
        status=status,
    )


@access.roles(Role.SUPERVISOR)
def set_import(request: HttpRequest) -> HttpResponse:
    error, errors, status = "", [], 200
    values = {k: request.POST.get(k, "") for k in ("code", "year", "name", "late_deduction")}
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise InvalidInput(_("Choose an Excel file."), code="required")
            rows = set_io.parse_rows(upload.read(set_io.MAX_BYTES + 1))
            s = services.set_create(actor=request.user, data={**values, "rows": rows, "first_row": 2})
        except DomainError as exc:
            error, status = str(exc.message), _status(exc)
            errors = list(exc.detail.get("errors", []))
        else:
            return redirect("assessment:set", set_id=s.pk)
    return render(
        request, "assessment/set_import.html", {"error": error, "errors": errors, "v": values}, status=status
    )


# --- Rounds -----------------------------------------------------------------------------------------


@access.roles(Role.SUPERVISOR)
def round_new(request: HttpRequest) -> HttpResponse:
    error, field, status = "", "", 200
    agencies = list(scope_agencies(request.user, roles=[Role.SUPERVISOR]).filter(kind="agency"))
    assessors: dict[int, Any] = {}
    for a in agencies:
        for u in users_with_role(Role.ASSESSOR, agency_id=a.pk).select_related("node"):
            assessors.setdefault(u.pk, u)
    year = timezone.localdate().year
    values: dict[str, Any] = {"year": year, "name": f"{year}年度依法行政考核"}
    if request.method == "POST":
        values = {
            "name": request.POST.get("name", ""),
            "year": request.POST.get("year", ""),
            "set_id": request.POST.get("set_id", ""),
            "agency_ids": request.POST.getlist("agency_ids"),
            "assessor_ids": request.POST.getlist("assessor_ids"),
            "self_check_due": request.POST.get("self_check_due", ""),
            "cutoff_on": request.POST.get("cutoff_on", ""),
        }
        try:
            rnd = services.round_create(actor=request.user, data=values)
        except DomainError as exc:
            error, field, status = str(exc.message), str(exc.detail.get("field", "")), _status(exc)
        else:
            return redirect("assessment:round", round_id=rnd.pk)
    return render(
        request,
        "assessment/round_new.html",
        {
            "v": values,
            "error": error,
            "field": field,
            "agencies": agencies,
            "assessors": sorted(assessors.values(), key=lambda u: u.username),
            "sets": selectors.set_list(),
        },
        status=status,
    )


def _round_page(request: HttpRequest, rnd: Round, *, error: str = "", status: int = 200) -> HttpResponse:
    manage = selectors.may_manage(request.user, rnd)
    participants = list(selectors.participants_for(request.user, rnd))
    live = {r.agency_id: r for r in ranking.results(rnd)} if manage else {}
    return render(
        request,
        "assessment/round.html",
        {
            "r": rnd,
            "manage": manage,
            "assessor": selectors.is_round_assessor(request.user, rnd),
            "rows": [
                {"p": p, "deadline": selectors.deadline_for(p), "live": live.get(p.agency_id)}
                for p in participants
            ],
            "events": ROUNDS.allowed_events(rnd, request.user),
            "history": rnd.events.select_related("actor").order_by("-id")[:20],
            "error": error,
            "today": timezone.localdate().isoformat(),
        },
        status=status,
    )


@access.roles(*STAFF_ROLES)
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    try:
        rnd = selectors.round_get_for(request.user, round_id)
    except DomainError as exc:
        return _not_found(request, exc)
    return _round_page(request, rnd)


@access.roles(Role.SUPERVISOR)
def round_action(request: HttpRequest, round_id: int, event: str) -> HttpResponse:
    try:
        rnd = selectors.round_get_for(request.user, round_id)
    except DomainError as exc:
        return _not_found(request, exc)
    if request.method != "POST":
        return redirect("assessment:round", round_id=rnd.pk)
    data = {"on": request.POST.get("on", "").strip() or None, "reason": request.POST.get("reason", "")}
    try:
        services.round_apply_event(round_id=rnd.pk, actor=request.user, event=event, data=data)
    except DomainError as exc:
        rnd.refresh_from_db()
        return _round_page(request, rnd, error=str(exc.message), status=_status(exc))
    return redirect("assessment:round", round_id=rnd.pk)


# --- An agency in a round: self-check and scores ------------------------------------------------------------


def _leaf_rows(p: Participant, posted: Any = None) -> list[dict[str, Any]]:
    """One row per leaf; on a refused form, the values typed are shown again (nothing is lost)."""
    rows = []
    for leaf in selectors.leaves_of(p):
        code = leaf.node.code

        def typed(name: str, saved: Any, code: str = code) -> Any:
            return (
                posted.get(f"{name}_{code}", "") if posted is not None else ("" if saved is None else saved)
            )

        rows.append(
            {
                "leaf": leaf,
                "value": figures.value_text(leaf),
                "records": figures.records_link(leaf, p),
                "self_score": typed("score", leaf.self_score),
                "explanation": typed("explanation", leaf.self_note),
                "score": typed("score", leaf.assessor_score),
                "note": typed("note", leaf.assessor_note),
                "reason": typed("reason", leaf.adjust_reason),
            }
        )
    return rows


def _self_check_page(
    request: HttpRequest,
    p: Participant,
    *,
    error: str = "",
    code: str = "",
    status: int = 200,
    posted: Any = None,
) -> HttpResponse:
    rnd = p.round
    editable = (
        rnd.state in (Round.State.SELF_CHECK, Round.State.ASSESSING)
        and p.state != Participant.State.SUBMITTED
        and may_self_check(request.user, p.agency_id)
    )
    return render(
        request,
        "assessment/self_check.html",
        {
            "p": p,
            "r": rnd,
            "rows": _leaf_rows(p, posted),
            "editable": editable,
            "deadline": selectors.deadline_for(p),
            "events": SELF_CHECKS.allowed_events(p, request.user),
            "error": error,
            "error_code": code,
            "returned": p.events.filter(kind="return").order_by("-id").first(),
        },
        status=status,
    )


def _participant(request: HttpRequest, round_id: int, agency_id: int) -> Participant:
    return selectors.participant_get_for(request.user, round_id, agency_id)


@access.roles(Role.APPROVER, Role.LEGAL_REVIEWER, Role.SUPERVISOR, Role.ASSESSOR)
def self_check(request: HttpRequest, round_id: int, agency_id: int) -> HttpResponse:
    try:
        p = _participant(request, round_id, agency_id)
    except DomainError as exc:
        return _not_found(request, exc)
    if request.method == "POST":
        items = [
            {
                "code": row["leaf"].node.code,
                "score": request.POST.get(f"score_{row['leaf'].node.code}", ""),
                "explanation": request.POST.get(f"explanation_{row['leaf'].node.code}", ""),
            }
            for row in _leaf_rows(p)
            if row["leaf"].node.judged
        ]
        try:
            services.self_check_save(actor=request.user, round_id=round_id, agency_id=agency_id, items=items)
            if request.POST.get("submit"):
                services.self_check_apply_event(
                    participant_id=p.pk, actor=request.user, event="submit", data={}
                )
        except DomainError as exc:
            p.refresh_from_db()
            return _self_check_page(
                request,
                p,
                error=str(exc.message),
                code=str(exc.detail.get("code", "")),
                status=_status(exc),
                posted=request.POST,
            )
        return redirect("assessment:self_check", round_id=round_id, agency_id=agency_id)
    return _self_check_page(request, p)


RECORDS_PER_PAGE = 50


@access.roles(Role.APPROVER, Role.LEGAL_REVIEWER, Role.SUPERVISOR, Role.ASSESSOR)
def leaf_records(request: HttpRequest, round_id: int, agency_id: int, code: str) -> HttpResponse:
    """The records behind one computed figure of one agency: whoever may read the agency's sheet may
    read which records were counted (their labels carry no personal data; each record's own page keeps
    its own visibility)."""
    try:
        p = _participant(request, round_id, agency_id)
    except DomainError as exc:
        return _not_found(request, exc)
    leaf = next((x for x in selectors.leaves_of(p) if x.node.code == code and x.node.computed), None)
    if leaf is None:
        raise Http404
    page_no = max(1, min(int_param(request.GET.get("page")) or 1, 100_000))
    offset = (page_no - 1) * RECORDS_PER_PAGE
    page = figures.records_page(leaf, p, offset=offset, limit=RECORDS_PER_PAGE)
    if page is None:
        raise Http404
    pages = max(1, -(-page.total // RECORDS_PER_PAGE))
    if page_no > pages:  # past the end (a stale link): the last page, not an empty one
        page_no = pages
        page = figures.records_page(leaf, p, offset=(pages - 1) * RECORDS_PER_PAGE, limit=RECORDS_PER_PAGE)
        assert page is not None
    differs = leaf.frozen and (
        (leaf.denominator is not None and leaf.denominator != page.total)
        or (leaf.denominator is None and leaf.numerator is not None and leaf.numerator != page.total)
        or (page.counted is not None and leaf.numerator is not None and leaf.numerator != page.counted)
    )
    return render(
        request,
        "assessment/leaf_records.html",
        {
            "p": p,
            "r": p.round,
            "leaf": leaf,
            "value": figures.value_text(leaf),
            "span": figures.span_of(p.round),
            "page": page,
            "page_no": page_no,
            "pages": pages,
            "previous": page_no - 1 if page_no > 1 else None,
            "next": page_no + 1 if page_no < pages else None,
            "differs": differs,
        },
    )


@access.roles(Role.APPROVER, Role.LEGAL_REVIEWER)
def material_upload(request: HttpRequest, round_id: int, agency_id: int) -> HttpResponse:
    try:
        p = _participant(request, round_id, agency_id)
    except DomainError as exc:
        return _not_found(request, exc)
    if request.method != "POST":
        return redirect("assessment:self_check", round_id=round_id, agency_id=agency_id)
    upload = request.FILES.get("file")
    code = request.POST.get("code", "")
    try:
        if upload is None:
            raise InvalidInput(_("Choose a file."), code="required", detail={"code": code})
        if upload.size and upload.size > services.MAX_MATERIAL_BYTES:
            raise InvalidInput(
                _("The file is too large (at most 20 MB)."), code="too_large", detail={"code": code}
            )
        services.material_add(
            actor=request.user,
            round_id=round_id,
            agency_id=agency_id,
            code=code,
            name=upload.name or "file",
            content=upload.read(),
        )
    except DomainError as exc:
        return _self_check_page(request, p, error=str(exc.message), code=code, status=_status(exc))
    return redirect("assessment:self_check", round_id=round_id, agency_id=agency_id)


@access.roles(*STAFF_ROLES)
def material(request: HttpRequest, material_id: int) -> HttpResponseBase:
    try:
        m = selectors.material_get_for(request.user, material_id)
    except DomainError:
        raise Http404 from None
    return serve_blob(
        request,
        m.blob,
        audit_action="assessment.material_download",
        audit_obj=m.leaf.participant,
        agency_id=m.leaf.participant.agency_id,
        audit_repr=f"material {m.pk}",
        filename=m.original_name,
        content_type=m.content_type,
        as_attachment=m.content_type not in ("image/jpeg", "image/png", "application/pdf"),
    )


def _score_page(
    request: HttpRequest,
    p: Participant,
    *,
    error: str = "",
    code: str = "",
    status: int = 200,
    posted: Any = None,
) -> HttpResponse:
    rnd = p.round
    may_score = (
        rnd.state == Round.State.ASSESSING
        and selectors.is_round_assessor(request.user, rnd)
        and p.agency_id not in own_agencies(request.user)
    )
    return render(
        request,
        "assessment/score.html",
        {
            "p": p,
            "r": rnd,
            "rows": _leaf_rows(p, posted),
            "may_score": may_score,
            "events": SELF_CHECKS.allowed_events(p, request.user)
            if rnd.state == Round.State.ASSESSING
            else [],
            "error": error,
            "error_code": code,
        },
        status=status,
    )


@access.roles(Role.ASSESSOR, Role.SUPERVISOR)
def score(request: HttpRequest, round_id: int, agency_id: int) -> HttpResponse:
    try:
        p = _participant(request, round_id, agency_id)
    except DomainError as exc:
        return _not_found(request, exc)
    if request.method == "POST":
        if request.POST.get("event") == "return":
            try:
                services.self_check_apply_event(
                    participant_id=p.pk,
                    actor=request.user,
                    event="return",
                    data={"reason": request.POST.get("reason", "")},
                )
            except DomainError as exc:
                return _score_page(request, p, error=str(exc.message), status=_status(exc))
            return redirect("assessment:score", round_id=round_id, agency_id=agency_id)
        items = [
            {
                "code": row["leaf"].node.code,
                "score": request.POST.get(f"score_{row['leaf'].node.code}", ""),
                "note": request.POST.get(f"note_{row['leaf'].node.code}", ""),
                "reason": request.POST.get(f"reason_{row['leaf'].node.code}", ""),
            }
            for row in _leaf_rows(p)
        ]
        try:
            services.scores_record(actor=request.user, round_id=round_id, agency_id=agency_id, items=items)
        except DomainError as exc:
            return _score_page(
                request,
                p,
                error=str(exc.message),
                code=str(exc.detail.get("code", "")),
                status=_status(exc),
                posted=request.POST,
            )
        return redirect("assessment:score", round_id=round_id, agency_id=agency_id)
    return _score_page(request, p)


@access.roles(Role.ASSESSOR)
def worklist(request: HttpRequest) -> HttpResponse:
    work = selectors.worklist_for(request.user)
    return render(request, "assessment/worklist.html", {"work": work})


# --- Ranking and report -----------------------------------------------------------------------------------


def ranking_context(rnd: Round) -> dict[str, Any]:
    rows = ranking.results(rnd)
    bands: dict[str, int] = {}
    for r in rows:
        bands[r.grade_label] = bands.get(r.grade_label, 0) + 1
    return {
        "r": rnd,
        "rows": rows,
        "rule": ranking.RANKING_RULE_TEXT,
        "chart": bar_chart([(r.name, int(r.total)) for r in rows], title=_("Total by agency")),
        "bands_chart": bar_chart(
            [(label, bands.get(label, 0)) for label in ("优秀", "良好", "合格", "不合格")],
            title=_("Agencies by grade"),
        ),
        "changes": [r for r in rows if r.change is not None],
    }


@access.roles(*STAFF_ROLES)
def ranking_page(request: HttpRequest, round_id: int) -> HttpResponse:
    try:
        rnd = selectors.round_get_for(request.user, round_id)
    except DomainError as exc:
        return _not_found(request, exc)
    manage = selectors.may_manage(request.user, rnd)
    if not manage and rnd.state != Round.State.FINISHED:
        return render(
            request,
            "404.html",
            {"message": _("The ranking is shown once the results are confirmed.")},
            status=404,
        )
    return render(
        request, "assessment/ranking.html", ranking_context(rnd) | {"manage": manage, "public": False}
    )


@access.roles(*STAFF_ROLES)
def report_pdf(request: HttpRequest, round_id: int) -> HttpResponse:
    try:
        rnd = selectors.round_get_for(request.user, round_id)
        manage = selectors.may_manage(request.user, rnd)
        agency = request.GET.get("agency", "")
        if agency.isdigit():
            p = _participant(request, round_id, int(agency))
            if not manage and rnd.state != Round.State.FINISHED:
                raise Http404
            pdf = report.round_pdf(rnd, participant=p)
        elif manage:
            pdf = report.round_pdf(rnd)
        else:
            raise Http404
    except DomainError as exc:
        return _not_found(request, exc)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="assessment-{rnd.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
