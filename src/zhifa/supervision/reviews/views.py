"""Pages of the dossier review: the bureau's campaigns (setup, draw, results, export, publication), the
reviewer's worklist and score sheet beside the dossier, the agency's rectification notices, rubrics, and
the public summary of published results."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from zhifa.audit.services import audit_record
from zhifa.core import access
from zhifa.core.errors import DomainError, InvalidInput
from zhifa.core.files.serving import content_disposition
from zhifa.core.roles import STAFF_ROLES, Role
from zhifa.enforcement.documents.api import dossier_ascii_name, dossier_download_name
from zhifa.enforcement.documents.services import dossier_pdf_for, html_pdf
from zhifa.enforcement.evidence.selectors import evidence_of_case_for_review
from zhifa.org.selectors import scope_agencies, users_with_role
from zhifa.supervision.reviews import exports, results, rubric_io, selectors, services
from zhifa.supervision.reviews.models import Campaign, Section
from zhifa.supervision.reviews.scoring import Grade
from zhifa.supervision.stats.charts import bar_chart

REVIEWER_ROLES = (Role.OFFICER, Role.LEGAL_REVIEWER, Role.SUPERVISOR, Role.APPROVER)


def _error_status(exc: DomainError) -> int:
    return exc.status if 400 <= exc.status < 500 else 400


@access.roles(*STAFF_ROLES)
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reviews/home.html",
        {
            "campaigns": selectors.campaign_list_for(request.user),
            "worklist": selectors.worklist_for(request.user)[:50],
            "notices": selectors.notices_for(request.user)[:50],
            "is_bureau": selectors.is_bureau(request.user),
        },
    )


def _candidates(user: Any) -> list[Any]:
    seen: dict[int, Any] = {}
    for agency in scope_agencies(user, roles=[Role.SUPERVISOR]):
        for role in REVIEWER_ROLES:
            for u in users_with_role(role, agency_id=agency.pk).select_related("node"):
                seen.setdefault(u.pk, u)
    return sorted(seen.values(), key=lambda u: (u.node.path if u.node else "", u.username))


def _campaign_form_data(post: Any) -> dict[str, Any]:
    def ints(name: str) -> list[int]:
        return [int(v) for v in post.getlist(name) if v.isdigit()]

    def opt_int(name: str) -> int | None:
        v = post.get(name, "").strip()
        return int(v) if v.isdigit() else None

    data: dict[str, Any] = {
        "name": post.get("name", ""),
        "kind": post.get("kind", ""),
        "agency_ids": ints("agency_ids"),
        "reviewer_ids": ints("reviewer_ids"),
        "closed_from": post.get("closed_from", ""),
        "closed_to": post.get("closed_to", ""),
        "due_on": post.get("due_on", ""),
        "sample_mode": post.get("sample_mode", ""),
        "sample_count": opt_int("sample_count"),
        "sample_share": post.get("sample_share", "").strip() or None,
        "strata": post.get("strata", ""),
        "rectification_days": opt_int("rectification_days") or 30,
    }
    rubric_id = opt_int("rubric_id")
    if rubric_id is not None:
        data["rubric_id"] = rubric_id
    return data


@access.roles(Role.SUPERVISOR)
def campaign_new(request: HttpRequest) -> HttpResponse:
    error, field, status = "", "", 200
    values: dict[str, Any] = {
        "sample_mode": "count",
        "sample_count": 5,
        "kind": "annual",
        "rectification_days": 30,
    }
    if request.method == "POST":
        values = _campaign_form_data(request.POST)
        try:
            campaign = services.campaign_create(actor=request.user, data=values)
        except DomainError as exc:
            error, field, status = str(exc.message), str(exc.detail.get("field", "")), _error_status(exc)
        else:
            return redirect("reviews:campaign", campaign_id=campaign.pk)
    return render(
        request,
        "reviews/campaign_new.html",
        {
            "error": error,
            "field": field,
            "v": values,
            "agencies": scope_agencies(request.user, roles=[Role.SUPERVISOR]).filter(kind="agency"),
            "candidates": _candidates(request.user),
            "rubrics": selectors.rubric_list(),
            "kinds": Campaign.Kind.choices,
            "modes": Campaign.SampleMode.choices,
            "strata": Campaign.Strata.choices,
        },
        status=status,
    )


def _campaign_page(
    request: HttpRequest, campaign: Campaign, *, error: str = "", status: int = 200
) -> HttpResponse:
    manage = selectors.may_manage(request.user, campaign)
    return render(
        request,
        "reviews/campaign.html",
        {
            "c": campaign,
            "manage": manage,
            "files": selectors.file_list_for(request.user, campaign),
            "groups": campaign.groups.select_related("agency").order_by("agency_id", "stratum")
            if manage
            else [],
            "verification": services.campaign_verify(campaign) if manage and campaign.seed else None,
            "error": error,
            **_precheck_context(request, campaign),
        },
        status=status,
    )


def _precheck_context(request: HttpRequest, campaign: Campaign) -> dict[str, Any]:
    done = campaign.precheck_state in ("done", "done_with_failures")
    return {
        "c": campaign,
        "precheck_summary": selectors.precheck_summary(request.user, campaign) if done else None,
    }


@access.roles(*STAFF_ROLES)
def precheck_progress(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The pre-check's progress bar alone, polled by htmx while the background task runs."""
    try:
        c = selectors.campaign_get_for(request.user, campaign_id)
    except DomainError as exc:
        return render(request, "404.html", {"message": str(exc.message)}, status=404)
    return render(request, "reviews/_precheck_progress.html", _precheck_context(request, c))


@access.roles(*STAFF_ROLES)
def campaign(request: HttpRequest, campaign_id: int) -> HttpResponse:
    try:
        c = selectors.campaign_get_for(request.user, campaign_id)
    except DomainError as exc:
        return render(request, "404.html", {"message": str(exc.message)}, status=404)
    return _campaign_page(request, c)


@access.roles(Role.SUPERVISOR)
def campaign_action(request: HttpRequest, campaign_id: int, action: str) -> HttpResponse:
    try:
        c = selectors.campaign_get_for(request.user, campaign_id)
    except DomainError as exc:
        return render(request, "404.html", {"message": str(exc.message)}, status=404)
    if request.method != "POST":
        return redirect("reviews:campaign", campaign_id=c.pk)
    try:
        if action == "draw":
            services.campaign_draw(
                actor=request.user, campaign_id=c.pk, seed=request.POST.get("seed", "").strip() or None
            )
        elif action == "finish":
            services.campaign_finish(actor=request.user, campaign_id=c.pk)
        elif action == "publish":
            services.campaign_publish(actor=request.user, campaign_id=c.pk)
        else:
            return render(request, "404.html", status=404)
    except DomainError as exc:
        c.refresh_from_db()
        return _campaign_page(request, c, error=str(exc.message), status=_error_status(exc))
    return redirect("reviews:campaign", campaign_id=c.pk)


def _sheet_rows(file: Any) -> list[dict[str, Any]]:
    """One row per rubric item: the pre-check's proposal and evidence, and the current score."""
    proposals = {p["code"]: p for p in file.precheck}
    current = {ln.code: ln for ln in file.current_sheet.lines.all()} if file.current_sheet else {}
    out = []
    for item in file.campaign.rubric.items.all():
        p = proposals.get(item.code)
        line = current.get(item.code)
        if line is not None:
            deduction, vetoed, note = line.deduction, line.vetoed, line.note
        elif p is not None:
            deduction, vetoed, note = p["deduction"], p["veto"], ""
        else:
            deduction, vetoed, note = 0, False, ""
        out.append({"item": item, "p": p, "deduction": deduction, "vetoed": vetoed, "note": note})
    return out


@access.roles(*STAFF_ROLES)
def file_sheet(request: HttpRequest, file_id: int) -> HttpResponse:
    try:
        file = selectors.file_get_for(request.user, file_id)
    except DomainError as exc:
        return render(request, "404.html", {"message": str(exc.message)}, status=404)
    error, code, status = "", "", 200
    if request.method == "POST":
        items, vetoes = [], []
        for item in file.campaign.rubric.items.all():
            note = request.POST.get(f"note_{item.code}", "")
            if item.section == Section.VETO:
                if request.POST.get(f"veto_{item.code}"):
                    vetoes.append(item.code)
                if note.strip():
                    items.append({"code": item.code, "deduction": "0", "note": note})
            else:
                items.append(
                    {
                        "code": item.code,
                        "deduction": request.POST.get(f"ded_{item.code}", "0") or "0",
                        "note": note,
                    }
                )
        try:
            services.file_score(actor=request.user, file_id=file.pk, items=items, vetoes=vetoes)
        except DomainError as exc:
            error, code, status = str(exc.message), str(exc.detail.get("code", "")), _error_status(exc)
        else:
            return redirect("reviews:file", file_id=file.pk)
    return render(
        request,
        "reviews/file.html",
        {
            "f": file,
            "case": selectors.case_summary(file),
            "evidence": evidence_of_case_for_review(user=request.user, case_id=file.case_id),
            "rows": _sheet_rows(file),
            "may_score": file.reviewer_id == request.user.pk and file.campaign.state == Campaign.State.DRAWN,
            "error": error,
            "error_code": code,
            "grade_label": Grade(file.grade).label if file.grade else "",
        },
        status=status,
    )


@access.roles(*STAFF_ROLES)
def file_dossier(request: HttpRequest, file_id: int) -> HttpResponse:
    """The dossier PDF of a sampled file, for the reviewer the campaign assigned (and the bureau)."""
    try:
        file = selectors.file_get_for(request.user, file_id)
    except DomainError as exc:
        return render(request, "404.html", {"message": str(exc.message)}, status=404)
    pdf = dossier_pdf_for(file.case)
    audit_record(
        actor=request.user,
        action="reviews.dossier_view",
        obj=file,
        agency_id=file.agency_id,
        summary={"case": file.case_id, "bytes": len(pdf)},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(
        dossier_download_name(file.case, "pdf"),
        fallback=dossier_ascii_name(file.case, "pdf"),
        as_attachment=False,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@access.roles(*STAFF_ROLES)
def file_evidence(request: HttpRequest, file_id: int, evidence_id: int) -> HttpResponseBase:
    """A piece of evidence of a sampled file's case (photo, video, record…), for the reviewer the
    campaign assigned and the bureau only, as the dossier PDF; each view audited."""
    from zhifa.core.files.serving import serve_blob
    from zhifa.enforcement.evidence.selectors import evidence_of_case_get

    try:
        file = selectors.file_get_for(request.user, file_id)
        evidence = evidence_of_case_get(case_id=file.case_id, evidence_id=evidence_id)
    except DomainError as exc:
        return render(request, "404.html", {"message": str(exc.message)}, status=404)
    return serve_blob(
        request,
        evidence.blob,
        audit_action="reviews.evidence_view",
        audit_obj=file,
        filename=evidence.original_name or f"evidence-{evidence.pk}",
        agency_id=file.agency_id,
        audit_repr=f"evidence {evidence.pk}",
    )


def _results_context(c: Campaign) -> dict[str, Any]:
    rows = results.campaign_results(c)
    return {
        "c": c,
        "rows": rows,
        "chart": bar_chart(
            [(r.name, int(r.average)) for r in rows if r.average is not None],
            title=_("Average score by agency"),
        ),
    }


@access.roles(*STAFF_ROLES)
def campaign_results(request: HttpRequest, campaign_id: int) -> HttpResponse:
    try:
        c = selectors.campaign_get_for(request.user, campaign_id)
    except DomainError as exc:
        return render(request, "404.html", {"message": str(exc.message)}, status=404)
    return render(request, "reviews/results.html", _results_context(c) | {"public": False})


@access.public
def public_results(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The published summary: per agency only (no file, no party, no reviewer)."""
    c = selectors.published_campaigns().filter(pk=campaign_id).first()
    if c is None:
        return render(request, "404.html", status=404)
    return render(request, "reviews/results.html", _results_context(c) | {"public": True})


@access.roles(Role.SUPERVISOR)
def campaign_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    try:
        c = selectors.campaign_get_for(request.user, campaign_id)
    except DomainError as exc:
        return render(request, "404.html", {"message": str(exc.message)}, status=404)
    data = exports.score_sheets_xlsx(c)
    audit_record(actor=request.user, action="reviews.export", obj=c)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="review-{c.pk}-scores.xlsx"'
    return response


@access.roles(Role.SUPERVISOR)
def campaign_report(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The campaign's report as a PDF: results per agency with the ranking rule, and the notices."""
    try:
        c = selectors.campaign_get_for(request.user, campaign_id)
    except DomainError as exc:
        return render(request, "404.html", {"message": str(exc.message)}, status=404)
    html = render_to_string(
        "reviews/report.html",
        {
            "c": c,
            "rows": results.campaign_results(c),
            "notices": c.notices.select_related("agency").order_by("agency__path"),
        },
        request=request,
    )
    response = HttpResponse(html_pdf(html, title=c.name), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="review-{c.pk}-report.pdf"'
    return response


@access.roles(*STAFF_ROLES)
def rubrics(request: HttpRequest) -> HttpResponse:
    error, status = "", 200
    if request.method == "POST":
        if not selectors.is_bureau(request.user):
            return render(request, "403.html", status=403)
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise InvalidInput(_("Choose a CSV or Excel file."), code="required")
            items = rubric_io.parse_items(upload.read(rubric_io.MAX_BYTES + 1))
            services.rubric_create(
                actor=request.user,
                data={
                    "code": request.POST.get("code", ""),
                    "name": request.POST.get("name", ""),
                    "excellent_min": request.POST.get("excellent_min") or None,
                    "pass_min": request.POST.get("pass_min") or None,
                    "note": request.POST.get("note", ""),
                    "items": items,
                },
            )
        except DomainError as exc:
            error, status = str(exc.message), _error_status(exc)
        else:
            return redirect("reviews:rubrics")
    return render(
        request,
        "reviews/rubrics.html",
        {"rubrics": selectors.rubric_list(), "error": error, "is_bureau": selectors.is_bureau(request.user)},
        status=status,
    )


RUBRIC_ROWS_MAX = 60  # item rows a form may post (the default rubric has 22)
EXTRA_ROWS = 3  # empty rows offered for new items


def _row_count(post: Any) -> int:
    raw = str(post.get("rows", "0"))
    return min(int(raw), RUBRIC_ROWS_MAX) if raw.isdigit() and len(raw) < 4 else 0


def _rubric_form_items(post: Any) -> list[dict[str, Any]]:
    """The item rows of the edit form, in order, without the rows marked for removal and the blank
    ones; what is left is checked by the service."""
    items = []
    for i in range(_row_count(post)):
        row = {
            k: str(post.get(f"{k}_{i}", "")).strip()
            for k in ("code", "section", "text", "max", "basis", "check")
        }
        if post.get(f"remove_{i}") or not (row["code"] or row["text"]):
            continue
        items.append(
            {
                "code": row["code"],
                "section": row["section"],
                "text": row["text"],
                "max_deduction": row["max"] or "0",
                "basis": row["basis"],
                "check": row["check"],
            }
        )
    return items


@access.roles(Role.SUPERVISOR)
def rubric_edit(request: HttpRequest, rubric_id: int) -> HttpResponse:
    """Edit a rubric's items and points in a form: saving adds the next version under the same code
    (a campaign keeps the version it was set up with, so past scores keep their rubric). The service
    checks that each section's maximum deductions add up to its points."""
    from zhifa.supervision.reviews import precheck

    try:
        rubric = selectors.rubric_get(rubric_id)
    except DomainError as exc:
        return render(request, "404.html", {"message": str(exc.message)}, status=404)
    if not selectors.is_bureau(request.user):
        return render(request, "403.html", status=403)
    error, status = "", 200
    values: Any
    if request.method == "POST":
        post = request.POST
        try:
            new = services.rubric_create(
                actor=request.user,
                data={
                    "code": rubric.code,
                    "name": post.get("name", ""),
                    "form_points": post.get("form_points", ""),
                    "substance_points": post.get("substance_points", ""),
                    "excellent_min": post.get("excellent_min", ""),
                    "pass_min": post.get("pass_min", ""),
                    "note": post.get("note", ""),
                    "items": _rubric_form_items(post),
                },
            )
        except DomainError as exc:
            error, status = str(exc.message), _error_status(exc)
        else:
            messages.success(request, _("Saved as version %(v)d.") % {"v": new.version})
            return redirect("reviews:rubrics")
        rows = [
            {
                "code": post.get(f"code_{i}", ""),
                "section": post.get(f"section_{i}", ""),
                "text": post.get(f"text_{i}", ""),
                "max": post.get(f"max_{i}", ""),
                "basis": post.get(f"basis_{i}", ""),
                "check": post.get(f"check_{i}", ""),
                "remove": bool(post.get(f"remove_{i}")),
            }
            for i in range(_row_count(post))
        ]
        values = post
    else:
        rows = [
            {
                "code": i.code,
                "section": i.section,
                "text": i.text,
                "max": i.max_deduction,
                "basis": i.basis,
                "check": i.auto_check,
                "remove": False,
            }
            for i in rubric.items.all()
        ] + [
            {
                "code": "",
                "section": Section.SUBSTANCE,
                "text": "",
                "max": "",
                "basis": "",
                "check": "",
                "remove": False,
            }
            for _n in range(EXTRA_ROWS)
        ]
        values = {
            "name": rubric.name,
            "form_points": rubric.form_points,
            "substance_points": rubric.substance_points,
            "excellent_min": rubric.excellent_min,
            "pass_min": rubric.pass_min,
            "note": "",
        }
    return render(
        request,
        "reviews/rubric_edit.html",
        {
            "r": rubric,
            "rows": rows,
            "values": values,
            "sections": Section.choices,
            "checks": sorted(precheck.CHECKS),
            "error": error,
        },
        status=status,
    )


@access.roles(*STAFF_ROLES)
def rubric_download(request: HttpRequest, rubric_id: int, fmt: str) -> HttpResponse:
    try:
        rubric = selectors.rubric_get(rubric_id)
    except DomainError as exc:
        return render(request, "404.html", {"message": str(exc.message)}, status=404)
    if fmt == "xlsx":
        response = HttpResponse(
            rubric_io.rubric_xlsx(rubric),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(rubric_io.rubric_csv(rubric), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rubric-{rubric.code}-v{rubric.version}.{fmt}"'
    return response


@access.roles(Role.APPROVER, Role.SUPERVISOR)
def notice(request: HttpRequest, notice_id: int) -> HttpResponse:
    n = selectors.notices_for(request.user).filter(pk=notice_id).first()
    if n is None:
        return render(request, "404.html", status=404)
    error, status = "", 200
    if request.method == "POST":
        try:
            services.notice_respond(
                actor=request.user, notice_id=n.pk, response=request.POST.get("response", "")
            )
        except DomainError as exc:
            error, status = str(exc.message), _error_status(exc)
        else:
            return redirect("reviews:notice", notice_id=n.pk)
    return render(request, "reviews/notice.html", {"n": n, "error": error}, status=status)
