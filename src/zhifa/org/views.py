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
from zhifa.core.errors import DomainError
from zhifa.core.navigation import home_panels_for
from zhifa.org.forms import LoginForm
from zhifa.org.selectors import scope_agencies
from zhifa.org.services import login_check_allowed, login_record_failure, login_record_success


@access.public
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        try:
            login_check_allowed(username=username)
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
                login_record_failure(username=username)
                login_check_allowed(username=username)  # says "locked" on the failure that locks
                form.add_error(None, _("Wrong username or password."))
            else:
                login_record_success(user=user)  # type: ignore[arg-type]
                auth_login(request, user)
                return redirect(next_url or "home")
        except DomainError as exc:
            form.add_error(None, str(exc.message))
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/login.html", {"form": form, "next": next_url}, status=status)


@access.public
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    return redirect("login")


@access.login
def home(request: HttpRequest) -> HttpResponse:
    """My work: the panels the apps contribute for the user's roles, and the agencies in scope (the
    template stays core's, the page of the whole platform; the data is the user's grants)."""
    user = request.user

    agencies = scope_agencies(user)
    return render(
        request,
        "core/home.html",
        {
            "panels": home_panels_for(user),
            "scope_agencies": agencies,
            "grants": user.role_grants.select_related("node").order_by("role"),  # type: ignore[union-attr]
        },
    )
