from __future__ import annotations

from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zhifa.core import access
from zhifa.core.navigation import home_panels_for
from zhifa.org.auth import login_refusal
from zhifa.org.forms import LoginForm
from zhifa.org.selectors import agency_names, grants_of, scope_agency_ids
from zhifa.org.services import (
    api_tokens_revoke_all,
)


@access.public
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        # The throttled backend checks the lock, counts the failure and audits (org.auth).
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is not None:
            auth_login(request, user)
            return redirect(next_url or "home")
        refusal = login_refusal(request)
        form.add_error(None, str(refusal.message) if refusal else _("Wrong username or password."))
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/login.html", {"form": form, "next": next_url}, status=status)


@access.public
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        api_tokens_revoke_all(user=request.user)  # type: ignore[arg-type]
    auth_logout(request)
    return redirect("login")


@access.login
def home(request: HttpRequest) -> HttpResponse:
    """My work: the panels the apps contribute for the user's roles, and the agencies in scope (the
    template stays core's, the page of the whole platform; the data is the user's grants)."""
    user = request.user

    # the page lists their names: (id, name) in tree order, `scope_agencies(user)`'s rows through one
    # query compiled once per count of agencies (org.selectors.agency_names, core.prepared.PreparedIn)
    agencies = agency_names(scope_agency_ids(user))
    return render(
        request,
        "core/home.html",
        {
            "panels": home_panels_for(user),
            "scope_agencies": agencies,
            "grants": grants_of(user),
        },
    )
