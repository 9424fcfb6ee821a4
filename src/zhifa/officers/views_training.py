"""Pages for the yearly statistics per agency, exams and the XLSX imports."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhifa.core import access
from zhifa.core.errors import DomainError, InvalidInput
from zhifa.law import officers as law
from zhifa.officers import imports, selectors
from zhifa.officers.forms import ExamResultForm, ExamSessionForm, ImportForm, YearForm
from zhifa.officers.models import ExamSession, ImportBatch
from zhifa.officers.services_training import exam_result_record, exam_session_create
from zhifa.officers.stats import agency_year_stats
from zhifa.officers.views import VIEW_ROLES, _add_domain_error
from zhifa.org.roles import Role
from zhifa.org.selectors import agencies_and_governments_of, scope_agency_ids

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@access.roles(*VIEW_ROLES)
@require_GET
def stats(request: HttpRequest) -> HttpResponse:
    form = YearForm(request.GET or None)
    year = form.year_or_current()
    rows = agency_year_stats(user=request.user, year=year)
    return render(
        request,
        "officers/stats.html",
        {
            "form": form,
            "year": year,
            "rows": rows,
            "keys": {
                "hours": law.STUDY_HOURS_TARGET.key,
                "days": law.LEGAL_TRAINING_DAYS_TARGET.key,
                "credential_rate": law.CREDENTIAL_RATE_TARGET.key,
                "pass_rate": law.EXAM_PASS_RATE_TARGET.key,
                "excellent_rate": law.EXAM_EXCELLENT_RATE_TARGET.key,
            },
        },
    )


def _organisers(request: HttpRequest) -> object:
    """Agencies the admin manages, and government nodes on which they hold the admin role."""
    return agencies_and_governments_of(request.user, roles=[Role.ADMIN])


@access.roles(*VIEW_ROLES)
@require_http_methods(["GET", "POST"])
def exams(request: HttpRequest) -> HttpResponse:
    """Exam sessions (and, for administrators, creating one and importing training hours)."""
    can_manage = request.user.has_role(Role.ADMIN)  # type: ignore[union-attr]
    session_form = (
        ExamSessionForm(request.POST or None, organisers=_organisers(request)) if can_manage else None
    )
    if request.method == "POST":
        if session_form is None:
            raise Http404
        if session_form.is_valid():
            data = session_form.cleaned_data
            try:
                session = exam_session_create(
                    actor=request.user,
                    organiser=data["organiser"],
                    kind=data["kind"],
                    title=data["title"],
                    held_on=data["held_on"],
                )
                messages.success(request, _("Exam created."))
                return redirect("officers:exam", session_id=session.pk)
            except DomainError as exc:
                _add_domain_error(session_form, exc)
    sessions = selectors.exam_session_list().annotate(result_count=Count("results"))[:100]
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "officers/exams.html",
        {
            "sessions": sessions,
            "session_form": session_form,
            "import_form": ImportForm(),
            "can_manage": can_manage,
            "batches": ImportBatch.objects.select_related("actor").order_by("-at")[:10] if can_manage else [],
        },
        status=status,
    )


@access.roles(*VIEW_ROLES)
@require_http_methods(["GET", "POST"])
def exam(request: HttpRequest, session_id: int) -> HttpResponse:
    session = ExamSession.objects.select_related("organiser").filter(id=session_id).first()
    if session is None:
        raise Http404
    can_manage = request.user.has_role(Role.ADMIN)  # type: ignore[union-attr]
    results = list(selectors.exam_result_list_for(user=request.user, session_id=session.pk))
    officers = []
    if can_manage:
        done = {r.officer_id for r in results}
        officers = [
            o
            for o in selectors.officer_list_for(
                user=request.user, filters=selectors.OfficerFilters(), on=session.held_on
            ).filter(agency_id__in=scope_agency_ids(request.user, roles=[Role.ADMIN]))
            if o.pk not in done
        ]
    result_form = ExamResultForm(request.POST or None, officers=officers) if can_manage else None
    if request.method == "POST":
        if result_form is None:
            raise Http404
        if result_form.is_valid():
            data = result_form.cleaned_data
            try:
                exam_result_record(
                    actor=request.user,
                    session_id=session.pk,
                    officer_id=data["officer"],
                    score=data["score"],
                    absent=data["absent"],
                )
                messages.success(request, _("Result recorded."))
                return redirect("officers:exam", session_id=session.pk)
            except DomainError as exc:
                _add_domain_error(result_form, exc)
    passed = sum(1 for r in results if r.passed)
    excellent = sum(1 for r in results if r.excellent)
    return render(
        request,
        "officers/exam.html",
        {
            "session": session,
            "results": results,
            "result_form": result_form,
            "import_form": ImportForm(),
            "can_manage": can_manage,
            "pass_rate": law.rate(passed, len(results)),
            "excellent_rate": law.rate(excellent, len(results)),
        },
        status=400 if request.method == "POST" else 200,
    )


def _import_response(
    request: HttpRequest, *, template: str, context: dict[str, object], form: ImportForm, run: object
) -> HttpResponse:
    """Run an import; on refusal show the row errors (nothing was imported)."""
    errors: list[dict[str, object]] = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > imports.MAX_BYTES:
                raise InvalidInput(_("The file is larger than 5 MB."), code="import_file_invalid")
            result = run(upload.read(), upload.name or "")  # type: ignore[operator]
            messages.success(request, _("%(count)s rows imported.") % {"count": result.created})
            return redirect(request.path)
        except DomainError as exc:
            errors = list(exc.detail.get("errors", []))
            form.add_error("file", str(exc.message))
    return render(request, template, {**context, "import_form": form, "import_errors": errors}, status=400)


@access.roles(Role.ADMIN)
@require_POST
def training_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    response = _import_response(
        request,
        template="officers/import_result.html",
        context={"kind": "training"},
        form=form,
        run=lambda data, name: imports.import_training(actor=request.user, data=data, filename=name),
    )
    if response.status_code == 302:
        return redirect("officers:exams")
    return response


@access.roles(Role.ADMIN)
@require_POST
def exam_import(request: HttpRequest, session_id: int) -> HttpResponse:
    session = ExamSession.objects.filter(id=session_id).first()
    if session is None:
        raise Http404
    form = ImportForm(request.POST, request.FILES)
    response = _import_response(
        request,
        template="officers/import_result.html",
        context={"kind": "exam", "session": session},
        form=form,
        run=lambda data, name: imports.import_exam_results(
            actor=request.user, session_id=session.pk, data=data, filename=name
        ),
    )
    if response.status_code == 302:
        return redirect("officers:exam", session_id=session.pk)
    return response


@access.roles(Role.ADMIN)
@require_GET
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in ImportBatch.Kind.values:
        raise Http404
    response = HttpResponse(imports.template_workbook(kind), content_type=XLSX)
    name = "training-template.xlsx" if kind == ImportBatch.Kind.TRAINING else "exam-template.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
