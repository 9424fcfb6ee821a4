"""Staff pages for publications (/portal/manage/): what awaits publication and by when, prepare (an
officer), review and publish or return (the approver), withdraw a changed or revoked decision (行政处罚法第四十八条第二款), record an exemption."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from zhifa.core import access
from zhifa.core.errors import DomainError
from zhifa.core.params import int_param
from zhifa.core.widgets import DateInput
from zhifa.law import complaints as sla_rules
from zhifa.law.disclosure import ExemptionGround, WithdrawalGround
from zhifa.org.selectors import scope_agencies
from zhifa.public.portal import selectors as sel
from zhifa.public.portal import services as svc
from zhifa.public.portal.models import PublishedDecision

ACTORS = svc.PUBLISHER_ROLES

WITHDRAWAL_CHOICES = [
    (WithdrawalGround.CHANGED.value, pgettext_lazy("withdrawal ground", "Changed")),
    (WithdrawalGround.REVOKED.value, pgettext_lazy("withdrawal ground", "Revoked")),
    (WithdrawalGround.CONFIRMED_ILLEGAL.value, pgettext_lazy("withdrawal ground", "Confirmed illegal")),
    (WithdrawalGround.CONFIRMED_VOID.value, pgettext_lazy("withdrawal ground", "Confirmed void")),
]
EXEMPTION_CHOICES = [
    (ExemptionGround.STATE_SECRET.value, gettext_lazy("State secret (art. 14)")),
    (ExemptionGround.SECURITY.value, gettext_lazy("Endangers security or stability (art. 14)")),
    (ExemptionGround.TRADE_SECRET.value, gettext_lazy("Trade secret of a third party (art. 15)")),
    (ExemptionGround.PRIVACY.value, gettext_lazy("Personal privacy of a third party (art. 15)")),
]


class WithdrawForm(forms.Form):
    ground = forms.ChoiceField(label=gettext_lazy("Ground"), choices=WITHDRAWAL_CHOICES)
    changed_on = forms.DateField(
        label=gettext_lazy("Date the decision was changed or revoked"),
        widget=DateInput(),
    )
    note = forms.CharField(
        label=gettext_lazy("Public explanation"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ExemptForm(forms.Form):
    ground = forms.ChoiceField(label=gettext_lazy("Ground"), choices=EXEMPTION_CHOICES)
    note = forms.CharField(
        label=gettext_lazy("Basis"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


@access.roles(*sel.STAFF_ROLES)
def manage_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    state = request.GET.get("state", "")
    filters = sel.ManageFilters(
        state=state if state in PublishedDecision.State.values else "",
        agency_id=int_param(request.GET.get("agency")),
        overdue=request.GET.get("overdue") == "1",
    )
    page = Paginator(sel.publication_list_for(user=request.user, filters=filters, today=today), 50).get_page(
        request.GET.get("page")
    )
    rows = []
    for d in page.object_list:
        if d.state in (PublishedDecision.State.SCHEDULED, PublishedDecision.State.PREPARED):
            status = sla_rules.sla_status(due_on=d.publish_due, today=today)
        else:
            status = sla_rules.SlaStatus.MET
        rows.append((d, status))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/manage/list.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "states": PublishedDecision.State.choices,
            "agencies": scope_agencies(request.user, roles=sel.STAFF_ROLES),
            "query": query.urlencode(),
        },
    )


def _visible(request: HttpRequest, decision_id: int) -> PublishedDecision:
    item = sel.publication_get_for(user=request.user, decision_id=decision_id)
    if item is None:
        raise Http404
    return item


def _detail(
    request: HttpRequest,
    item: PublishedDecision,
    *,
    withdraw: WithdrawForm | None = None,
    exempt: ExemptForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "portal/manage/detail.html",
        {
            "d": item,
            "events": item.events.select_related("actor").order_by("at", "id"),
            "withdraw_form": withdraw or WithdrawForm(initial={"changed_on": timezone.localdate()}),
            "exempt_form": exempt or ExemptForm(),
            "today": timezone.localdate(),
        },
        status=status,
    )


@access.roles(*sel.STAFF_ROLES)
def manage_detail(request: HttpRequest, decision_id: int) -> HttpResponse:
    return _detail(request, _visible(request, decision_id))


@access.roles(*ACTORS)
@require_POST
def manage_act(request: HttpRequest, decision_id: int, action: str) -> HttpResponse:
    item = _visible(request, decision_id)
    try:
        if action == "prepare":
            facts = request.POST.get("facts_public")
            svc.publication_prepare(
                decision_id=item.pk,
                actor=request.user,
                facts_public=facts,
                note=request.POST.get("note", ""),
            )
            messages.success(request, _("Prepared; the approver reviews the masking and publishes."))
        elif action == "return":
            svc.publication_return(decision_id=item.pk, actor=request.user, note=request.POST.get("note", ""))
            messages.success(request, _("Returned to the preparer."))
        elif action == "publish":
            svc.publication_publish(
                decision_id=item.pk,
                actor=request.user,
                masking_checked=request.POST.get("masking_checked") in ("on", "1", "true"),
            )
            messages.success(request, _("Published."))
        elif action == "withdraw":
            form = WithdrawForm(request.POST)
            if not form.is_valid():
                return _detail(request, item, withdraw=form, status=400)
            changed_on: dt.date = form.cleaned_data["changed_on"]
            svc.publication_withdraw(
                decision_id=item.pk,
                actor=request.user,
                ground=form.cleaned_data["ground"],
                changed_on=changed_on,
                note=form.cleaned_data["note"],
            )
            messages.success(
                request, _("Withdrawn from the portal, with the explanation shown in its place.")
            )
        elif action == "exempt":
            exempt = ExemptForm(request.POST)
            if not exempt.is_valid():
                return _detail(request, item, exempt=exempt, status=400)
            svc.publication_exempt(
                decision_id=item.pk,
                actor=request.user,
                ground=exempt.cleaned_data["ground"],
                note=exempt.cleaned_data["note"],
            )
            messages.success(request, _("Recorded as not published."))
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _detail(request, _visible(request, decision_id), status=exc.status)
    return redirect("portal:manage_detail", item.pk)
