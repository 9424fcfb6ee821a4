"""Staff pages for officers: list, detail, create/edit and the printable card.

Administrators manage; supervisors and approvers read. Credential actions, photos and training entry
are in views_manage.py; statistics, exams and imports in views_training.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods

from zhifa.core import access
from zhifa.core.errors import DomainError
from zhifa.law import jurisdiction
from zhifa.law import officers as law
from zhifa.officers import selectors, services
from zhifa.officers.forms import (
    CredentialIssueForm,
    OfficerFilterForm,
    OfficerForm,
    PhotoForm,
    ReasonForm,
    RenewForm,
    ReviewForm,
    TrainingForm,
    default_expiry,
)
from zhifa.officers.models import Credential, Officer
from zhifa.officers.qr import check_url, qr_svg
from zhifa.officers.rules import credential_validity, review_lapse_suspends
from zhifa.officers.validators import mask_id_number, normalize_areas, photo_content_type
from zhifa.org.roles import Role
from zhifa.org.selectors import active_user, scope_agencies, scope_agency_ids

VIEW_ROLES = (Role.ADMIN, Role.SUPERVISOR, Role.APPROVER)
PAGE_SIZE = 50


def credential_row(
    credential: Credential | None, *, on: dt.date, lapse: bool, days_before: int
) -> dict[str, Any]:
    """What a page shows for a credential: its problem today, a badge class and the warnings."""
    if credential is None:
        return {"credential": None, "badge": "bad", "label": _("No credential"), "valid": False}
    problem = credential_validity(credential, on=on, lapse_suspends=lapse)
    labels = {
        None: _("Valid"),
        law.CredentialProblem.REVOKED: _("Revoked"),
        law.CredentialProblem.SUSPENDED: _("Suspended"),
        law.CredentialProblem.EXPIRED: _("Expired"),
        law.CredentialProblem.NOT_YET_VALID: pgettext("credential", "Not yet in force"),
        law.CredentialProblem.REVIEW_OVERDUE: _("Annual review overdue"),
        law.CredentialProblem.AREA_NOT_COVERED: _("Valid"),
    }
    expiring = problem is None and law.due_soon(credential.expires_on, on=on, days_before=days_before)
    review_soon = problem is None and law.due_soon(credential.review_due_on, on=on, days_before=days_before)
    badge = "ok" if problem is None else "bad"
    if expiring or review_soon:
        badge = "warn"
    return {
        "credential": credential,
        "problem": problem,
        "valid": problem is None,
        "label": labels[problem],
        "badge": badge,
        "expiring": expiring,
        "review_soon": review_soon,
        "days_left": law.days_until(credential.expires_on, on=on),
    }


class LapseCache:
    """The review-lapse rule per agency, looked up once per agency on a page."""

    def __init__(self) -> None:
        self._values: dict[int, bool] = {}

    def __call__(self, agency: Any) -> bool:
        if agency.pk not in self._values:
            self._values[agency.pk] = review_lapse_suspends(agency)
        return self._values[agency.pk]


@access.roles(*VIEW_ROLES)
@require_GET
def officer_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    agencies = list(scope_agencies(user))
    form = OfficerFilterForm(request.GET or None, agencies=agencies)
    filters = selectors.OfficerFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.OfficerFilters(
            agency=data["agency"], status=data["status"], expiring=data["expiring"], q=data["q"]
        )
    paginator = Paginator(selectors.officer_list_for(user=user, filters=filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    today = timezone.localdate()
    days_before = int(jurisdiction.value(law.ALERT_DAYS_BEFORE.key))
    lapse = LapseCache()
    rows = []
    for officer in page.object_list:
        credential = selectors.current_credential(officer)
        rows.append(
            {
                "officer": officer,
                **credential_row(credential, on=today, lapse=lapse(officer.agency), days_before=days_before),
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "officers/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "can_manage": user.has_role(Role.ADMIN),  # type: ignore[union-attr]
        },
    )


def _officer_or_404(request: HttpRequest, officer_id: int) -> Officer:
    officer = selectors.officer_get_for(user=request.user, officer_id=officer_id)
    if officer is None:
        raise Http404
    return officer


def detail_context(request: HttpRequest, officer: Officer, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    days_before = int(jurisdiction.value(law.ALERT_DAYS_BEFORE.key, agency=officer.agency))
    lapse = review_lapse_suspends(officer.agency)
    can_manage = officer.agency_id in scope_agency_ids(request.user, roles=[Role.ADMIN])
    credentials = [
        {
            **credential_row(c, on=today, lapse=lapse, days_before=days_before),
            "events": sorted(c.events.all(), key=lambda e: (e.effective_on, e.pk), reverse=True),
            "reviews": list(c.reviews.order_by("-year")),
        }
        for c in officer.credentials.all()
    ]
    year = today.year
    trainings = list(selectors.training_list_for(user=request.user, officer_id=officer.pk, year=year))
    results = list(selectors.exam_result_list_for(user=request.user, officer_id=officer.pk))
    context = {
        "officer": officer,
        "id_number": officer.id_number if can_manage else mask_id_number(officer.id_number),
        "credentials": credentials,
        "trainings": trainings,
        "training_hours": sum((t.hours for t in trainings), start=Decimal(0)),
        "training_points": sum((t.points for t in trainings), start=Decimal(0)),
        "hours_target": jurisdiction.applied(law.STUDY_HOURS_TARGET.key, agency=officer.agency),
        "results": results,
        "year": year,
        "can_manage": can_manage,
        "issue_form": CredentialIssueForm(
            initial={
                "issued_on": today,
                "expires_on": default_expiry(today),
                "areas": "、".join(officer.areas),
                "issuer": "",
            }
        ),
        "reason_form": ReasonForm(),
        "renew_form": RenewForm(),
        "review_form": ReviewForm(),
        "photo_form": PhotoForm(),
        "training_form": TrainingForm(initial={"held_on": today}),
    }
    context.update(extra)
    return context


@access.roles(*VIEW_ROLES)
@require_GET
def officer_detail(request: HttpRequest, officer_id: int) -> HttpResponse:
    officer = _officer_or_404(request, officer_id)
    return render(request, "officers/detail.html", detail_context(request, officer))


def _form_data(form: OfficerForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data["position"] = data.get("position") or ""
    data["areas"] = data.get("areas") or ""
    data["legal_qualification_number"] = data.get("legal_qualification_number") or ""
    return data


@access.roles(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def officer_create(request: HttpRequest) -> HttpResponse:
    agency_ids = scope_agency_ids(request.user, roles=[Role.ADMIN])
    form = OfficerForm(request.POST or None, agency_ids=agency_ids)
    if request.method == "POST" and form.is_valid():
        data = _form_data(form)
        user = None
        username = (data.pop("username") or "").strip()
        try:
            if username:
                user = active_user(username=username)
                if user is None:
                    form.add_error("username", _("No active user with this username."))
                    raise _FormInvalid
            officer = services.officer_create(
                actor=request.user, user=user, **{**data, "areas": normalize_areas(data["areas"])}
            )
            return redirect("officers:detail", officer_id=officer.pk)
        except _FormInvalid:
            pass
        except DomainError as exc:
            _add_domain_error(form, exc)
    status = 400 if request.method == "POST" else 200
    return render(request, "officers/form.html", {"form": form, "officer": None}, status=status)


class _FormInvalid(Exception):
    pass


def _add_domain_error(form: Any, exc: DomainError) -> None:
    field = exc.detail.get("field")
    if field in form.fields:
        form.add_error(field, str(exc.message))
    else:
        form.add_error(None, str(exc.message))


@access.roles(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def officer_edit(request: HttpRequest, officer_id: int) -> HttpResponse:
    officer = _officer_or_404(request, officer_id)
    agency_ids = frozenset({officer.agency_id})
    initial = {
        "name": officer.name,
        "gender": officer.gender,
        "unit": officer.unit,
        "position": officer.position,
        "areas": "、".join(officer.areas),
        "has_legal_qualification": officer.has_legal_qualification,
        "legal_qualification_number": officer.legal_qualification_number,
        "legal_review_since": officer.legal_review_since,
    }
    form = OfficerForm(request.POST or None, initial=initial, agency_ids=agency_ids, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.officer_update(actor=request.user, officer_id=officer.pk, data=_form_data(form))
            return redirect("officers:detail", officer_id=officer.pk)
        except DomainError as exc:
            _add_domain_error(form, exc)
    status = 400 if request.method == "POST" else 200
    return render(request, "officers/form.html", {"form": form, "officer": officer}, status=status)


@access.roles(*VIEW_ROLES)
@require_GET
def officer_card(request: HttpRequest, officer_id: int) -> HttpResponse:
    """A printable officer card: photo, name, agency, credential, areas, validity and a QR code that
    opens the public check page."""
    officer = _officer_or_404(request, officer_id)
    credential = selectors.current_credential(officer)
    if credential is None:
        raise Http404
    url = check_url(request, credential.number)
    return render(
        request,
        "officers/card.html",
        {"officer": officer, "credential": credential, "check_url": url, "qr": qr_svg(url)},
    )


@access.login
@require_GET
def photo(request: HttpRequest, officer_id: int) -> HttpResponseBase:
    officer = selectors.officer_get_for(user=request.user, officer_id=officer_id)
    if officer is None or not officer.photo:
        raise Http404
    return photo_response(officer)


def photo_response(officer: Officer) -> HttpResponseBase:
    """Photos are served through views (not MEDIA_URL): media is not public in production."""
    response = FileResponse(officer.photo.open("rb"), content_type=photo_content_type(officer.photo.name))
    response["Cache-Control"] = "private, max-age=300"
    return response
