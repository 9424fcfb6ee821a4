"""Writes to the org tree, users and roles. Each is one transaction with its audit entry."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.audit.services import audit_record
from zhifa.core.errors import Forbidden, InvalidInput
from zhifa.core.prepared import Prepared
from zhifa.org.models import ApiToken, LoginThrottle, OrgNode, RoleGrant, User
from zhifa.org.roles import Role


def org_node_create(
    *,
    actor: Any | None,
    kind: str,
    name: str,
    parent: OrgNode | None = None,
    abbreviation: str = "",
    **extra: Any,
) -> OrgNode:
    if kind not in OrgNode.Kind.values:
        raise InvalidInput(_("Unknown org node kind."))
    if kind == OrgNode.Kind.UNIT and (parent is None or parent.agency_id is None):
        raise InvalidInput(_("A unit must sit inside an agency."))
    if kind == OrgNode.Kind.AGENCY and not abbreviation:
        raise InvalidInput(_("An agency needs an abbreviation for its case numbers."))
    with transaction.atomic():
        node = OrgNode(kind=kind, name=name, parent=parent, abbreviation=abbreviation, **extra)
        node.full_clean(exclude=["path", "agency"])
        node.save()
        node.path = f"{parent.path if parent else '/'}{node.pk}/"
        node.depth = (parent.depth + 1) if parent else 0
        if kind == OrgNode.Kind.AGENCY:
            node.agency = node
        elif kind == OrgNode.Kind.UNIT and parent is not None:
            node.agency_id = parent.agency_id
        node.save(update_fields=["path", "depth", "agency"])
        audit_record(
            actor=actor,
            action="org.node_create",
            obj=node,
            agency_id=node.agency_id,
            summary={"kind": kind, "name": name, "parent": parent.pk if parent else None},
        )
    return node


def user_create(
    *,
    actor: Any | None,
    username: str,
    password: str,
    full_name: str = "",
    node: OrgNode | None = None,
    is_staff: bool = False,
    is_superuser: bool = False,
    encoded_password: str = "",
) -> User:
    """`encoded_password`: the password already hashed (`make_password`), used instead of hashing
    `password` here — for the demo's accounts, which share one public password hashed once per seeding
    (`org.demo.demo_password_hash`; Argon2 costs ~0.3 s of CPU per hash, by design)."""
    with transaction.atomic():
        user = User(
            username=username, full_name=full_name, node=node, is_staff=is_staff, is_superuser=is_superuser
        )
        if encoded_password:
            user.password = encoded_password
        else:
            user.set_password(password)
        # The username's uniqueness is the database's to enforce, once: checked again here it would race a
        # concurrent creation and answer a ValidationError (a 500) instead of the refusal below.
        user.full_clean(exclude=["password"], validate_unique=False)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as exc:
            raise InvalidInput(_("This username is already taken."), detail={"field": "username"}) from exc
        audit_record(
            actor=actor,
            action="org.user_create",
            obj=user,
            agency_id=node.agency_id if node else None,
            summary={"username": username, "node": node.pk if node else None},
        )
    return user


def role_grant(*, actor: Any | None, user: User, role: str, node: OrgNode) -> RoleGrant:
    if role not in Role.values:
        raise InvalidInput(_("Unknown role."))
    with transaction.atomic():
        grant, created = RoleGrant.objects.get_or_create(user=user, role=role, node=node)
        if created:
            audit_record(
                actor=actor,
                action="org.role_grant",
                obj=grant,
                agency_id=node.agency_id,
                summary={"user": user.username, "role": role, "node": node.pk},
            )
        if role == Role.ADMIN and not user.is_staff:
            user.is_staff = True  # the admin role is what opens the Django admin
            user.save(update_fields=["is_staff"])
    user.forget_roles()
    return grant


def role_revoke(*, actor: Any | None, grant: RoleGrant) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="org.role_revoke",
            obj=grant,
            agency_id=grant.node.agency_id,
            summary={"user": grant.user.username, "role": grant.role, "node": grant.node_id},
        )
        grant.delete()
    grant.user.forget_roles()


# --- Sign-in ---------------------------------------------------------------------------------------
# Every sign-in path (the login page, the Django admin, the API token endpoint) goes through
# `zhifa.org.auth.ThrottledBackend`, which calls these. Locks are per username + client address, and per
# address for any username, so an attacker elsewhere cannot lock a known user out (docs/security.md).

MAX_USERNAME_LENGTH = 150
MAX_PASSWORD_LENGTH = 256
ANY_USER = ""  # the per-address row


class LoginLocked(Forbidden):
    code = "login_locked"


def _locked_until(*, username: str, address: str) -> dt.datetime | None:
    now = timezone.now()
    rows = LoginThrottle.objects.filter(
        address=address, username__in=[username.lower()[:MAX_USERNAME_LENGTH], ANY_USER], locked_until__gt=now
    )
    return max((row.locked_until for row in rows if row.locked_until), default=None)


def login_check_allowed(*, username: str, address: str = "") -> None:
    until = _locked_until(username=username, address=address)
    if until is not None:
        raise LoginLocked(
            _("Too many failed sign-ins. This account is locked until %(time)s.")
            % {"time": timezone.localtime(until).strftime("%H:%M")}
        )


def _count_failure(*, username: str, address: str, limit: int) -> bool:
    """One more failure on a row; returns True when this failure locks it."""
    throttle, _created = LoginThrottle.objects.select_for_update().get_or_create(
        username=username, address=address
    )
    throttle.failures += 1
    throttle.last_failure_at = timezone.now()
    locked = throttle.failures >= limit
    if locked:
        throttle.locked_until = timezone.now() + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        throttle.failures = 0
    throttle.save()
    return locked


def login_record_failure(*, username: str, address: str = "", path: str = "") -> None:
    username = username.lower()[:MAX_USERNAME_LENGTH]
    with transaction.atomic():
        user_locked = _count_failure(username=username, address=address, limit=settings.LOGIN_MAX_FAILURES)
        address_locked = _count_failure(
            username=ANY_USER, address=address, limit=settings.LOGIN_ADDRESS_MAX_FAILURES
        )
        audit_record(
            actor=None,
            action="org.login_failed",
            object_type="org.user",
            object_repr=username,
            summary={"username": username, "address": address, "path": path},
        )
        if user_locked or address_locked:
            audit_record(
                actor=None,
                action="org.login_locked",
                object_type="org.user",
                object_repr=username,
                summary={
                    "username": username,
                    "address": address,
                    "scope": "address" if address_locked else "user_address",
                },
            )


def login_record_refused(*, username: str, address: str = "", path: str = "") -> None:
    """An attempt while locked: not counted (the lock already holds), but audited."""
    username = username.lower()[:MAX_USERNAME_LENGTH]
    audit_record(
        actor=None,
        action="org.login_refused",
        object_type="org.user",
        object_repr=username,
        summary={"username": username, "address": address, "path": path},
    )


def login_record_success(*, user: User, address: str = "", path: str = "") -> None:
    with transaction.atomic():
        LoginThrottle.objects.filter(username=user.username.lower(), address=address).delete()
        audit_record(
            actor=user,
            action="org.login",
            obj=user,
            agency_id=user.node.agency_id if user.node_id and user.node else None,
            summary={"address": address, "path": path},
        )


def login_unlock(*, actor: Any | None, username: str) -> int:
    """The unlock path: an administrator lifts every lock on a username (all addresses)."""
    username = username.lower()[:MAX_USERNAME_LENGTH]
    with transaction.atomic():
        count, _ = LoginThrottle.objects.filter(username=username).delete()
        audit_record(
            actor=actor,
            action="org.login_unlock",
            object_type="org.user",
            object_repr=username,
            summary={"username": username, "rows": count},
        )
    return count


def login_unlock_address(*, actor: Any | None, address: str) -> int:
    with transaction.atomic():
        count, _ = LoginThrottle.objects.filter(address=address).delete()
        audit_record(
            actor=actor,
            action="org.login_unlock",
            object_type="org.address",
            object_repr=address,
            summary={"address": address, "rows": count},
        )
    return count


def api_token_issue(*, user: User) -> tuple[str, dt.datetime]:
    key = secrets.token_urlsafe(32)
    expires_at = timezone.now() + dt.timedelta(hours=settings.API_TOKEN_HOURS)
    ApiToken.objects.create(
        user=user, key_hash=hashlib.sha256(key.encode()).hexdigest(), expires_at=expires_at
    )
    return key, expires_at


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# Every API request looks its token up: compiled once per process (core.prepared). The key hash is
# unique, so the expiry is checked on the one row instead of in the WHERE clause (same answer).
_TOKEN_WITH_USER: Prepared[ApiToken] = Prepared(
    lambda key_hash: ApiToken.objects.select_related("user").filter(key_hash=key_hash),
    markers=("\x00not-a-token-hash",),
)


def api_token_user(*, key: str) -> User | None:
    if len(key) > 128:
        return None
    found = _TOKEN_WITH_USER(_digest(key))
    if not found:
        return None
    token = found[0]
    user: User = token.user
    if token.expires_at <= timezone.now() or not user.is_active:
        return None
    return user


def api_token_revoke(*, key: str) -> bool:
    """DELETE /auth/token: the presented token stops working at once."""
    count, _ = ApiToken.objects.filter(key_hash=_digest(key)).delete()
    return count > 0


def api_tokens_revoke_all(*, user: User) -> int:
    """Signing out of the site ends the user's API tokens too (a token must not outlive a logout)."""
    with transaction.atomic():
        count, _ = ApiToken.objects.filter(user=user).delete()
        if count:
            audit_record(actor=user, action="org.tokens_revoked", obj=user, summary={"tokens": count})
    return count


# --- Administration in the app ---------------------------------------------------------------------
# The staff pages (org.views_manage) and the Django admin reach the same rows; these are the writes the
# staff pages make. An administrator manages what lies under the nodes he holds the admin role on (a
# city's administrator the whole city, an agency's its own agency); superusers (operators) everything.

USER_FIELDS = ("full_name", "phone", "node", "is_active")
NODE_FIELDS = ("name", "abbreviation", "region_code", "duties", "address", "phone", "is_active")


def admin_covers(actor: Any, node: OrgNode | None) -> bool:
    """Does `actor` administer `node` (a node under one he holds the admin role on)?"""
    if actor is None or getattr(actor, "is_superuser", False):
        return True
    if node is None:
        return False
    paths = RoleGrant.objects.filter(user=actor, role=Role.ADMIN).values_list("node__path", flat=True)
    return any(node.path.startswith(path) for path in paths)


def _require_admin(actor: Any, node: OrgNode | None) -> None:
    if not admin_covers(actor, node):
        raise Forbidden(_("You do not administer this part of the organisation."))


def _clean_text(value: Any, *, field: str, max_length: int, required: bool = False) -> str:
    text = str(value or "").replace("\x00", "").strip()
    if required and not text:
        raise InvalidInput(
            _("This field is required: %(field)s.") % {"field": field}, detail={"field": field}
        )
    if len(text) > max_length:
        raise InvalidInput(
            _("This text is too long (at most %(max)s characters).") % {"max": max_length},
            detail={"field": field},
        )
    return text


def user_create_by_admin(
    *, actor: Any, username: str, password: str, full_name: str, node: OrgNode | None, phone: str = ""
) -> User:
    """A new account from the staff pages: the node must be one the actor administers; the password
    must pass the configured validators."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    _require_admin(actor, node)
    username = _clean_text(username, field="username", max_length=150, required=True)
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput(_("This username is already taken."), detail={"field": "username"})
    full_name = _clean_text(full_name, field="full_name", max_length=50, required=True)
    try:
        validate_password(password, User(username=username, full_name=full_name))
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), detail={"field": "password"}) from exc
    user = user_create(actor=actor, username=username, password=password, full_name=full_name, node=node)
    if phone:
        user.phone = _clean_text(phone, field="phone", max_length=20)
        user.save(update_fields=["phone"])
    return user


def user_update(*, actor: Any, user: User, data: dict[str, Any]) -> User:
    """Name, phone, workplace and whether the account may sign in. Moving a user needs the actor to
    administer both the old and the new node; an administrator cannot switch himself off."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        _require_admin(actor, user.node)
        changed: dict[str, Any] = {}
        if "full_name" in data:
            changed["full_name"] = _clean_text(
                data["full_name"], field="full_name", max_length=50, required=True
            )
        if "phone" in data:
            changed["phone"] = _clean_text(data["phone"], field="phone", max_length=20)
        if "node" in data and data["node"] != user.node:
            _require_admin(actor, data["node"])
            changed["node"] = data["node"]
        if "is_active" in data:
            active = bool(data["is_active"])
            if not active and actor is not None and actor.pk == user.pk:
                raise InvalidInput(
                    _("You cannot switch off your own account."), detail={"field": "is_active"}
                )
            changed["is_active"] = active
        changed = {k: v for k, v in changed.items() if getattr(user, k) != v}
        if not changed:
            return user
        for name, value in changed.items():
            setattr(user, name, value)
        user.save(update_fields=list(changed))
        audit_record(
            actor=actor,
            action="org.user_update",
            obj=user,
            agency_id=user.node.agency_id if user.node else None,
            summary={k: (v.pk if isinstance(v, OrgNode) else v) for k, v in changed.items()},
        )
    return user


def user_set_password(*, actor: Any, user: User, password: str) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    _require_admin(actor, user.node)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), detail={"field": "password"}) from exc
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(
            actor=actor,
            action="org.user_password_reset",
            obj=user,
            agency_id=user.node.agency_id if user.node else None,
            summary={"username": user.username},
        )


def role_grant_by_admin(*, actor: Any, user: User, role: str, node: OrgNode) -> RoleGrant:
    """Grant from the staff pages: the actor administers the node, and does not grant to himself (no one
    widens his own powers; an operator does that in the Django admin)."""
    _require_admin(actor, node)
    if actor is not None and actor.pk == user.pk and not actor.is_superuser:
        raise Forbidden(_("You cannot grant roles to yourself."))
    if role not in Role.values:
        raise InvalidInput(_("Unknown role."), detail={"field": "role"})
    return role_grant(actor=actor, user=user, role=role, node=node)


def role_revoke_by_admin(*, actor: Any, grant: RoleGrant) -> None:
    _require_admin(actor, grant.node)
    if (
        grant.role == Role.ADMIN
        and actor is not None
        and actor.pk == grant.user_id
        and not actor.is_superuser
    ):
        raise InvalidInput(_("You cannot remove your own administrator role."), detail={"field": "role"})
    role_revoke(actor=actor, grant=grant)


def org_node_create_by_admin(*, actor: Any, parent: OrgNode, data: dict[str, Any]) -> OrgNode:
    _require_admin(actor, parent)
    kind = str(data.get("kind") or "")
    name = _clean_text(data.get("name"), field="name", max_length=100, required=True)
    extra = {
        k: _clean_text(data.get(k), field=k, max_length=200 if k != "duties" else 2000)
        for k in ("region_code", "duties", "address", "phone")
        if data.get(k)
    }
    return org_node_create(
        actor=actor,
        kind=kind,
        name=name,
        parent=parent,
        abbreviation=_clean_text(data.get("abbreviation"), field="abbreviation", max_length=20),
        **extra,
    )


def org_node_update(*, actor: Any, node: OrgNode, data: dict[str, Any]) -> OrgNode:
    """Name, abbreviation, contact details, duties and whether the node is in use. The tree's shape
    (parent, kind) does not change here: cases, numbers and grants hang on it."""
    limits = {"name": 100, "abbreviation": 20, "region_code": 12, "duties": 2000, "address": 200, "phone": 40}
    with transaction.atomic():
        node = OrgNode.objects.select_for_update().get(pk=node.pk)
        _require_admin(actor, node)
        changed: dict[str, Any] = {}
        for key, limit in limits.items():
            if key in data:
                changed[key] = _clean_text(data[key], field=key, max_length=limit, required=key == "name")
        if node.kind == OrgNode.Kind.AGENCY and "abbreviation" in changed and not changed["abbreviation"]:
            raise InvalidInput(
                _("An agency needs an abbreviation for its case numbers."), detail={"field": "abbreviation"}
            )
        if "is_active" in data:
            changed["is_active"] = bool(data["is_active"])
        changed = {k: v for k, v in changed.items() if getattr(node, k) != v}
        if not changed:
            return node
        for name, value in changed.items():
            setattr(node, name, value)
        node.full_clean(exclude=["path", "agency", "parent"])
        node.save(update_fields=list(changed))
        audit_record(
            actor=actor, action="org.node_update", obj=node, agency_id=node.agency_id, summary=changed
        )
    return node
