"""Administration in the app (Chinese staff pages): accounts, their roles, the org tree, and links to
the holiday calendar. Administrators manage what lies under the nodes they hold the admin role on
(org.services decides, the same rule for every path); the Django admin stays for operators.

Each view: parse → selector (404 when not administered) → one service call → a refusal shown in place
with its 4xx status."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zhifa.core import access
from zhifa.core.errors import DomainError, InvalidInput
from zhifa.core.params import int_param
from zhifa.org import selectors, services
from zhifa.org.models import OrgNode, RoleGrant, User
from zhifa.org.roles import Role


def _node_from(request: HttpRequest, name: str) -> OrgNode | None:
    node_id = int_param(request.POST.get(name))
    if node_id is None:
        return None
    return selectors.admin_nodes(request.user).filter(pk=node_id).first()


def _user_or_404(request: HttpRequest, user_id: int) -> User:
    user = selectors.admin_users(request.user).filter(pk=user_id).first()
    if user is None:
        raise Http404
    return user


@access.roles(Role.ADMIN)
def manage_home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "org/manage/home.html",
        {
            "users": selectors.admin_users(request.user).count(),
            "nodes": selectors.admin_nodes(request.user).count(),
        },
    )


@access.roles(Role.ADMIN)
def user_list(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "")[:100]
    qs = selectors.admin_users(request.user, q=q).prefetch_related("role_grants__node")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "org/manage/users.html", {"page": page, "q": q, "roles": dict(Role.choices)})


@access.roles(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def user_new(request: HttpRequest) -> HttpResponse:
    nodes = selectors.admin_nodes(request.user)
    if request.method == "POST":
        p = request.POST
        try:
            user = services.user_create_by_admin(
                actor=request.user,
                username=p.get("username", ""),
                password=p.get("password", ""),
                full_name=p.get("full_name", ""),
                node=_node_from(request, "node"),
                phone=p.get("phone", ""),
            )
        except DomainError as exc:
            return render(
                request,
                "org/manage/user_new.html",
                {"nodes": nodes, "v": p, "error": exc, "error_field": exc.detail.get("field")},
                status=exc.status,
            )
        messages.success(
            request, _("Account %(name)s created. Now grant its roles.") % {"name": user.display_name}
        )
        return redirect("org_manage:user", user_id=user.pk)
    return render(request, "org/manage/user_new.html", {"nodes": nodes, "v": {}})


def _user_context(request: HttpRequest, user: User, **extra: Any) -> dict[str, Any]:
    return {
        "u": user,
        "grants": selectors.user_grants(user),
        "nodes": selectors.admin_nodes(request.user),
        "roles": Role.choices,
        **extra,
    }


@access.roles(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    user = _user_or_404(request, user_id)
    if request.method == "POST":
        p = request.POST
        data: dict[str, Any] = {
            "full_name": p.get("full_name", ""),
            "phone": p.get("phone", ""),
            "is_active": p.get("is_active") in ("on", "1", "true"),
        }
        node = _node_from(request, "node")
        if node is not None:
            data["node"] = node
        try:
            services.user_update(actor=request.user, user=user, data=data)
        except DomainError as exc:
            context = _user_context(
                request, user, error=exc, error_field=exc.detail.get("field"), form="edit"
            )
            return render(request, "org/manage/user.html", context, status=exc.status)
        messages.success(request, _("Saved."))
        return redirect("org_manage:user", user_id=user.pk)
    return render(request, "org/manage/user.html", _user_context(request, user))


@access.roles(Role.ADMIN)
@require_POST
def user_password(request: HttpRequest, user_id: int) -> HttpResponse:
    user = _user_or_404(request, user_id)
    try:
        services.user_set_password(actor=request.user, user=user, password=request.POST.get("password", ""))
    except DomainError as exc:
        context = _user_context(request, user, error=exc, error_field="password", form="password")
        return render(request, "org/manage/user.html", context, status=exc.status)
    messages.success(request, _("The password was reset."))
    return redirect("org_manage:user", user_id=user.pk)


@access.roles(Role.ADMIN)
@require_POST
def grant_add(request: HttpRequest, user_id: int) -> HttpResponse:
    user = _user_or_404(request, user_id)
    node = _node_from(request, "grant_node")
    try:
        if node is None:
            raise InvalidInput(_("Choose where the role applies."), detail={"field": "grant_node"})
        services.role_grant_by_admin(
            actor=request.user, user=user, role=request.POST.get("role", ""), node=node
        )
    except DomainError as exc:
        context = _user_context(request, user, error=exc, error_field="grant", form="grant")
        return render(request, "org/manage/user.html", context, status=exc.status)
    messages.success(request, _("Role granted."))
    return redirect("org_manage:user", user_id=user.pk)


@access.roles(Role.ADMIN)
@require_POST
def grant_remove(request: HttpRequest, user_id: int, grant_id: int) -> HttpResponse:
    user = _user_or_404(request, user_id)
    grant = RoleGrant.objects.select_related("node", "user").filter(pk=grant_id, user=user).first()
    if grant is None:
        raise Http404
    try:
        services.role_revoke_by_admin(actor=request.user, grant=grant)
    except DomainError as exc:
        context = _user_context(request, user, error=exc, error_field="grant", form="grant")
        return render(request, "org/manage/user.html", context, status=exc.status)
    messages.success(request, _("Role removed."))
    return redirect("org_manage:user", user_id=user.pk)


@access.roles(Role.ADMIN)
def org_tree(request: HttpRequest) -> HttpResponse:
    nodes = list(selectors.admin_nodes(request.user))
    top = min((n.depth for n in nodes), default=0)
    rows = [{"node": n, "indent": n.depth - top} for n in nodes]
    return render(request, "org/manage/tree.html", {"rows": rows, "kinds": OrgNode.Kind.choices})


@access.roles(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def node_detail(request: HttpRequest, node_id: int) -> HttpResponse:
    node = selectors.admin_nodes(request.user).filter(pk=node_id).first()
    if node is None:
        raise Http404
    context: dict[str, Any] = {
        "node": node,
        "kinds": OrgNode.Kind.choices,
        "v": {},
        "people": User.objects.filter(node=node).order_by("full_name")[:200],
    }
    if request.method == "POST":
        p = request.POST
        try:
            if p.get("action") == "add_child":
                child = services.org_node_create_by_admin(actor=request.user, parent=node, data=p.dict())
                messages.success(request, _("%(name)s added.") % {"name": child.name})
                return redirect("org_manage:node", node_id=child.pk)
            data: dict[str, Any] = {
                k: p.get(k, "") for k in ("name", "abbreviation", "region_code", "duties", "address", "phone")
            }
            data["is_active"] = p.get("is_active") in ("on", "1", "true")
            services.org_node_update(actor=request.user, node=node, data=data)
        except DomainError as exc:
            context.update(
                error=exc, error_field=exc.detail.get("field"), v=p, form=p.get("action") or "edit"
            )
            return render(request, "org/manage/node.html", context, status=exc.status)
        messages.success(request, _("Saved."))
        return redirect("org_manage:node", node_id=node.pk)
    return render(request, "org/manage/node.html", context)
