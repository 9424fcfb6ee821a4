"""Writes to the org tree, users and roles. Each is one transaction with its audit entry."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.audit.services import audit_record
from zhifa.core.errors import Forbidden, InvalidInput
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
) -> User:
    with transaction.atomic():
        user = User(
            username=username, full_name=full_name, node=node, is_staff=is_staff, is_superuser=is_superuser
        )
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
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


class LoginLocked(Forbidden):
    code = "login_locked"


def login_check_allowed(*, username: str) -> None:
    throttle = LoginThrottle.objects.filter(username=username.lower()).first()
    if throttle and throttle.locked_until and throttle.locked_until > timezone.now():
        raise LoginLocked(
            _("Too many failed sign-ins. This account is locked until %(time)s.")
            % {"time": timezone.localtime(throttle.locked_until).strftime("%H:%M")}
        )


def login_record_failure(*, username: str) -> None:
    with transaction.atomic():
        throttle, _created = LoginThrottle.objects.select_for_update().get_or_create(
            username=username.lower()
        )
        throttle.failures += 1
        throttle.last_failure_at = timezone.now()
        if throttle.failures >= settings.LOGIN_MAX_FAILURES:
            throttle.locked_until = timezone.now() + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
            throttle.failures = 0
            audit_record(
                actor=None,
                action="org.login_locked",
                object_type="org.user",
                object_repr=username[:200],
                summary={"username": username},
            )
        throttle.save()


def login_record_success(*, user: User) -> None:
    LoginThrottle.objects.filter(username=user.username.lower()).delete()


def api_token_issue(*, user: User) -> tuple[str, dt.datetime]:
    key = secrets.token_urlsafe(32)
    expires_at = timezone.now() + dt.timedelta(hours=settings.API_TOKEN_HOURS)
    ApiToken.objects.create(
        user=user, key_hash=hashlib.sha256(key.encode()).hexdigest(), expires_at=expires_at
    )
    return key, expires_at


def api_token_user(*, key: str) -> User | None:
    digest = hashlib.sha256(key.encode()).hexdigest()
    token = (
        ApiToken.objects.select_related("user").filter(key_hash=digest, expires_at__gt=timezone.now()).first()
    )
    if token is None or not token.user.is_active:
        return None
    return token.user
