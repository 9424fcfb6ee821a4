"""Administrators' actions on an officer's page: issue, suspend, reinstate, revoke, renew, annual
review, photo, training entry. Each parses a form, calls one service and re-renders.

With htmx the credential actions answer with the credential's block only (`hx-target` on the card);
without it they redirect back to the officer's page (or re-render it with the errors, 400).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhifa.core import access
from zhifa.core.errors import DomainError, InvalidInput
from zhifa.law import jurisdiction
from zhifa.law import officers as law
from zhifa.officers import selectors, services
from zhifa.officers.forms import (
    CredentialIssueForm,
    PhotoForm,
    ReasonForm,
    RenewForm,
    ReviewForm,
    TrainingForm,
)
from zhifa.officers.rules import review_lapse_suspends
from zhifa.officers.services_training import training_record_add
from zhifa.officers.validators import PHOTO_MAX_BYTES
from zhifa.officers.views import _add_domain_error, _officer_or_404, credential_row, detail_context
from zhifa.org.roles import Role

ACTIONS = ("suspend", "reinstate", "revoke", "renew", "review")


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


@access.roles(Role.ADMIN)
@require_POST
def credential_issue(request: HttpRequest, officer_id: int) -> HttpResponse:
    officer = _officer_or_404(request, officer_id)
    form = CredentialIssueForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.credential_issue(
                actor=request.user,
                officer_id=officer.pk,
                number=data["number"],
                kind=data["kind"],
                issuer=data["issuer"],
                areas=data["areas"],
                scope=data["scope"] or "",
                issued_on=data["issued_on"],
                expires_on=data["expires_on"],
            )
            messages.success(request, _("Credential issued."))
            return redirect("officers:detail", officer_id=officer.pk)
        except DomainError as exc:
            _add_domain_error(form, exc)
    officer = _officer_or_404(request, officer_id)
    return render(
        request,
        "officers/detail.html",
        detail_context(request, officer, issue_form=form, open_issue=True),
        status=400,
    )


def _run_action(request: HttpRequest, action: str, credential_id: int) -> str | None:
    """Parse the form for `action` and call its service. Returns the error message, or None."""
    form_class = {"renew": RenewForm, "review": ReviewForm}.get(action, ReasonForm)
    form = form_class(request.POST)
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        return _("Check the form: %(error)s") % {"error": first}
    data = form.cleaned_data
    try:
        if action == "suspend":
            services.credential_suspend(
                actor=request.user, credential_id=credential_id, reason=data["reason"]
            )
        elif action == "reinstate":
            services.credential_reinstate(
                actor=request.user, credential_id=credential_id, reason=data["reason"]
            )
        elif action == "revoke":
            services.credential_revoke(actor=request.user, credential_id=credential_id, reason=data["reason"])
        elif action == "renew":
            services.credential_renew(
                actor=request.user,
                credential_id=credential_id,
                expires_on=data["expires_on"],
                reason=data["reason"] or "",
            )
        else:
            services.credential_review_record(
                actor=request.user,
                credential_id=credential_id,
                reviewed_on=data["reviewed_on"],
                passed=data["passed"],
                note=data["note"] or "",
            )
    except DomainError as exc:
        return str(exc.message)
    return None


@access.roles(Role.ADMIN)
@require_POST
def credential_action(request: HttpRequest, credential_id: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    credential = selectors.credential_get_for(user=request.user, credential_id=credential_id)
    if credential is None:
        raise Http404
    error = _run_action(request, action, credential_id)
    officer = _officer_or_404(request, credential.officer_id)
    if _is_htmx(request):
        fresh = next(c for c in officer.credentials.all() if c.pk == credential_id)
        today = timezone.localdate()
        days_before = int(jurisdiction.value(law.ALERT_DAYS_BEFORE.key, agency=officer.agency))
        item = {
            **credential_row(
                fresh, on=today, lapse=review_lapse_suspends(officer.agency), days_before=days_before
            ),
            "events": sorted(fresh.events.all(), key=lambda e: (e.effective_on, e.pk), reverse=True),
            "reviews": list(fresh.reviews.order_by("-year")),
        }
        context = detail_context(request, officer)
        context.update({"item": item, "action_error": error, "failed_action": action if error else ""})
        return render(request, "officers/_credential.html", context, status=400 if error else 200)
    if error is None:
        messages.success(request, _("Saved."))
        return redirect("officers:detail", officer_id=officer.pk)
    messages.error(request, error)
    return render(request, "officers/detail.html", detail_context(request, officer), status=400)


@access.roles(Role.ADMIN)
@require_POST
def photo_upload(request: HttpRequest, officer_id: int) -> HttpResponse:
    officer = _officer_or_404(request, officer_id)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["photo"]
        try:
            if upload.size > PHOTO_MAX_BYTES:  # refuse before reading a large upload into memory
                raise InvalidInput(_("The photo is larger than 2 MB."))
            services.officer_photo_set(actor=request.user, officer_id=officer.pk, data=upload.read())
            messages.success(request, _("Photo saved."))
            return redirect("officers:detail", officer_id=officer.pk)
        except DomainError as exc:
            form.add_error("photo", str(exc.message))
    return render(
        request, "officers/detail.html", detail_context(request, officer, photo_form=form), status=400
    )


@access.roles(Role.ADMIN)
@require_POST
def training_add(request: HttpRequest, officer_id: int) -> HttpResponse:
    officer = _officer_or_404(request, officer_id)
    form = TrainingForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            training_record_add(
                actor=request.user,
                officer_id=officer.pk,
                kind=data["kind"],
                title=data["title"],
                held_on=data["held_on"],
                hours=data["hours"],
                days=data["days"] or 0,
                points=data["points"] or 0,
                note=data["note"] or "",
            )
            messages.success(request, _("Training recorded."))
            return redirect("officers:detail", officer_id=officer.pk)
        except DomainError as exc:
            _add_domain_error(form, exc)
    return render(
        request, "officers/detail.html", detail_context(request, officer, training_form=form), status=400
    )
