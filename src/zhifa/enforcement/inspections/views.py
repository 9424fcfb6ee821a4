"""Staff pages: an inspector's tasks as cards (phone first), one task with its steps, photos and the
printable inspection code; plans with their draw. Thin: selectors read, services and the workflow
write, a refusal is shown in place."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhifa.core import access
from zhifa.core.errors import DomainError
from zhifa.enforcement.inspections import presenters, qr, selectors, services
from zhifa.enforcement.inspections.common import PLAN_ROLES, READ_ROLES
from zhifa.enforcement.inspections.models import Outcome, State, TaskPhoto
from zhifa.enforcement.inspections.workflow import TASKS, task_apply_event

EVENT_FIELDS = {
    "start": ("on",),
    "record_result": ("on", "outcome", "findings", "signed_by", "refusal_note"),
    "publish": ("on",),
    "convert": ("facts",),
    "reassign": ("reason",),
    "cancel": ("reason", "on"),
}
CLOSED_STATES = (State.PUBLISHED, State.CANCELLED)


@access.roles(*READ_ROLES)
def my_tasks(request: HttpRequest) -> HttpResponse:
    tasks = list(selectors.my_tasks(request.user)[:200])
    open_tasks = [t for t in tasks if t.state not in CLOSED_STATES]
    done = [t for t in tasks if t.state in CLOSED_STATES][:20]
    can_plan = bool(request.user.role_names() & PLAN_ROLES)  # type: ignore[union-attr]
    return render(
        request,
        "inspections/my_tasks.html",
        {"open_tasks": open_tasks, "done": done, "can_plan": can_plan},
    )


def _task_or_404(request: HttpRequest, task_id: int) -> Any:
    task = selectors.task_get_for(user=request.user, task_id=task_id)
    if task is None:
        raise Http404
    return task


def _render_task(
    request: HttpRequest,
    task: Any,
    *,
    errors: dict[str, str] | None = None,
    values: Any = None,
    status: int = 200,
) -> HttpResponse:
    allowed = [t.event for t in TASKS.allowed_events(task, request.user)]
    directory = (
        services.inspector_directory(task.plan, on=timezone.localdate()) if "reassign" in allowed else []
    )
    return render(
        request,
        "inspections/task.html",
        {
            "t": task,
            "detail": presenters.task_detail(task, request.user),
            "allowed": allowed,
            "can_photo": task.state in (State.ON_SITE, State.RESULT_RECORDED)
            and selectors.is_inspector(request.user, task),
            "outcomes": Outcome.choices,
            "errors": errors or {},
            "values": values or {},
            "photos": list(task.photos.select_related("blob").order_by("id")),
            "directory": directory,
            "team": {m.officer_id for m in task.inspectors.all()},
            "chosen_officers": [int(i) for i in request.POST.getlist("officer_ids") if i.isdigit()]
            if request.method == "POST"
            else None,
            "history": [
                {
                    "label": ((row := TASKS.table.get(e.kind)) and row.label) or e.kind,
                    "on": e.on,
                    "actor": e.actor_name,
                    "reason": (e.data or {}).get("reason", ""),
                    "after": "、".join(m["name"] for m in (e.data or {}).get("after", [])),
                }
                for e in task.events.order_by("id")
            ],
        },
        status=status,
    )


@access.roles(*READ_ROLES)
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    return _render_task(request, _task_or_404(request, task_id))


@access.roles(*READ_ROLES)
@require_POST
def task_act(request: HttpRequest, task_id: int, event: str) -> HttpResponse:
    task = _task_or_404(request, task_id)
    if event not in EVENT_FIELDS:
        raise Http404
    data: dict[str, Any] = {f: request.POST.get(f, "").strip() for f in EVENT_FIELDS[event]}
    data = {k: v for k, v in data.items() if v}
    if event == "reassign":
        data["officer_ids"] = [int(i) for i in request.POST.getlist("officer_ids") if i.isdigit()]
    try:
        task = task_apply_event(task_id=task.pk, actor=request.user, event=event, data=data)
    except DomainError as exc:
        field = str(exc.detail.get("field") or "__all__")
        return _render_task(
            request,
            _task_or_404(request, task_id),
            errors={f"{event}.{field}": str(exc.message), event: str(exc.message)},
            values=request.POST,
            status=exc.status,
        )
    messages.success(request, _("Saved."))
    return redirect("inspections:task", task.pk)


@access.roles(*READ_ROLES)
@require_POST
def task_photo_add(request: HttpRequest, task_id: int) -> HttpResponse:
    task = _task_or_404(request, task_id)
    upload = request.FILES.get("photo")
    try:
        if upload is None:
            raise DomainError(_("Choose a photo."), detail={"field": "photo"})
        services.photo_add(
            actor=request.user, task_id=task.pk, name=upload.name or "photo", data=upload.read()
        )
    except DomainError as exc:
        return _render_task(request, task, errors={"photo": str(exc.message)}, status=exc.status)
    messages.success(request, _("Photo added."))
    return redirect("inspections:task", task.pk)


@access.roles(*READ_ROLES)
def task_photo(request: HttpRequest, task_id: int, photo_id: int) -> HttpResponseBase:
    from zhifa.core.files.serving import serve_blob

    task = _task_or_404(request, task_id)
    photo = TaskPhoto.objects.select_related("blob").filter(task=task, pk=photo_id).first()
    if photo is None:
        raise Http404
    return serve_blob(
        request,
        photo.blob,
        audit_action="inspections.photo_download",
        audit_obj=task,
        filename=photo.name,
        agency_id=task.agency_id,
    )


@access.roles(*READ_ROLES)
def task_code(request: HttpRequest, task_id: int) -> HttpResponse:
    """The printable inspection code (A6 card) the inspectors hand over or show on their phone."""
    task = _task_or_404(request, task_id)
    url = qr.code_url(request, task.code)
    return render(request, "inspections/code_print.html", {"t": task, "url": url, "svg": qr.qr_svg(url)})


@access.roles(*READ_ROLES)
def plans(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.plan_list_for(user=request.user), 30).get_page(request.GET.get("page"))
    can_plan = bool(request.user.role_names() & PLAN_ROLES)  # type: ignore[union-attr]
    return render(request, "inspections/plans.html", {"page": page, "can_plan": can_plan})


PLAN_FIELDS = (
    "agency_id",
    "kind",
    "name",
    "enforcement_area",
    "filter_object_type",
    "filter_area",
    "filter_industry",
    "ratio",
    "number",
    "starts_on",
    "ends_on",
)


@access.roles(*PLAN_ROLES)
def plan_new(request: HttpRequest) -> HttpResponse:
    """A plan from a form: the same service as `POST /api/v1/inspections/plans`, errors in place."""
    from zhifa.org.selectors import scope_agencies

    errors: dict[str, str] = {}
    if request.method == "POST":
        data: dict[str, Any] = {f: request.POST.get(f, "").strip() for f in PLAN_FIELDS}
        data = {k: v for k, v in data.items() if v}
        data["item_ids"] = [int(i) for i in request.POST.getlist("item_ids") if i.isdigit()]
        data["filter_risk_levels"] = request.POST.getlist("filter_risk_levels")
        data["weighted"] = request.POST.get("weighted") == "on"
        try:
            plan = services.plan_create(actor=request.user, data=data)
        except DomainError as exc:
            errors[str(exc.detail.get("field") or "__all__")] = str(exc.message)
        else:
            messages.success(request, _("The plan is saved; draw it when it is ready."))
            return redirect("inspections:plan", plan.pk)
    from zhifa.enforcement.inspections.models import ObjectType, Plan, RiskLevel

    return render(
        request,
        "inspections/plan_new.html",
        {
            "agencies": scope_agencies(request.user, roles=PLAN_ROLES),
            "items": selectors.item_list_for(user=request.user),
            "kinds": Plan.Kind.choices,
            "object_types": ObjectType.choices,
            "risks": RiskLevel.choices,
            "values": request.POST,
            "chosen_items": request.POST.getlist("item_ids"),
            "chosen_risks": request.POST.getlist("filter_risk_levels"),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@access.roles(*READ_ROLES)
def plan_detail(request: HttpRequest, plan_id: int, *, error: str = "", status: int = 200) -> HttpResponse:
    plan = selectors.plan_get_for(user=request.user, plan_id=plan_id)
    if plan is None:
        raise Http404
    listed = list(services.plan_targets(plan).filter(no_disturbance=True).order_by("number")[:100])
    return render(
        request,
        "inspections/plan.html",
        {
            "plan": plan,
            "draw": plan.draws.first(),
            "tasks": selectors.task_list_for(user=request.user, plan_id=plan.pk),
            "can_draw": not plan.draws.exists() and bool(request.user.role_names() & PLAN_ROLES),  # type: ignore[union-attr]
            "listed": listed,
            "error": error,
        },
        status=status,
    )


@access.roles(*PLAN_ROLES)
@require_POST
def plan_draw(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get_for(user=request.user, plan_id=plan_id)
    if plan is None:
        raise Http404
    reasons: dict[str, str] = {}
    for key in request.POST:
        value = str(request.POST.get(key, "")).strip()
        if key.startswith("reason_") and value:
            reasons[key.removeprefix("reason_")] = value
    try:
        services.plan_draw(actor=request.user, plan_id=plan.pk, reasons=reasons)
    except DomainError as exc:
        return plan_detail(request, plan_id, error=str(exc.message), status=exc.status)
    messages.success(request, _("The draw is done and published."))
    return redirect("inspections:plan", plan.pk)
