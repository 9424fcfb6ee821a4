"""Reads of the org tree, and the scope rule every other selector applies.

Scope follows the node a role is granted on:
- on an agency or a unit → that agency's records (a squadron officer sees the bureau's cases);
- on a government node → every agency in its subtree (the justice bureau's supervisor on the city
  node sees every agency of the city).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import connection, models

from zhifa.core.prepared import Prepared, PreparedIn
from zhifa.org.models import OrgNode, RoleGrant, User

M = TypeVar("M", bound=models.Model)


# The user's grants, read on every signed-in request: compiled once per process (core.prepared).
_GRANTS: Prepared[tuple[str, str, str, int | None]] = Prepared(
    lambda user_id: RoleGrant.objects.filter(user_id=user_id).values_list(
        "role", "node__kind", "node__path", "node__agency_id"
    ),
    markers=(-730_100_021,),
)


def _grant_scopes(user: Any) -> list[tuple[str, frozenset[int]]]:
    """(role, agencies it reaches) for each of the user's grants: one query for the grants and at most
    one for the agencies under the government nodes among them, cached on the user instance for the
    request, so that every scope a request asks for (any role set) costs no further query."""
    # getattr/setattr, not user.__dict__: request.user is a SimpleLazyObject whose own __dict__ is not
    # the User's, so caches kept there were invisible to User.role_names() (one more query a request)
    # and to User.forget_roles().
    cached: list[tuple[str, frozenset[int]]] | None = getattr(user, "_grant_scopes", None)
    if cached is not None:
        return cached
    grants = _GRANTS(user.pk)
    government_paths = sorted(
        {path for _role, kind, path, _agency in grants if kind == OrgNode.Kind.GOVERNMENT}
    )
    under: dict[str, set[int]] = {path: set() for path in government_paths}
    if government_paths:
        for node_id, node_path in _agencies_under(government_paths):
            for path in government_paths:
                if node_path.startswith(path):
                    under[path].add(node_id)
    result: list[tuple[str, frozenset[int]]] = []
    for role, kind, path, agency_id in grants:
        if kind == OrgNode.Kind.GOVERNMENT:
            result.append((role, frozenset(under[path])))
        elif agency_id is not None:
            result.append((role, frozenset({agency_id})))
        else:
            result.append((role, frozenset()))
    user._grant_scopes = result
    if getattr(user, "_role_names", None) is None:
        user._role_names = frozenset(role for role, _kind, _path, _agency in grants)
    return result


def _agencies_under(paths: list[str]) -> list[tuple[int, str]]:
    """(id, path) of the agencies under these nodes' paths. Written as SQL rather than as the ORM's
    `path__startswith` filter, which was compiled again on every request of a government-level user
    (~0.5 ms of CPU each; a prefix match cannot be a `Prepared` parameter): the same statement, each
    path bound as an escaped LIKE prefix."""
    likes = " OR ".join(["path LIKE %s ESCAPE '\\'"] * len(paths))
    sql = f"SELECT id, path FROM {connection.ops.quote_name(OrgNode._meta.db_table)} WHERE kind = %s AND ({likes})"  # noqa: S608 — names, not values
    params = [OrgNode.Kind.AGENCY.value, *(connection.ops.prep_for_like_query(p) + "%" for p in paths)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(node_id), str(path)) for node_id, path in cursor.fetchall()]


def scope_agency_ids(user: Any, *, roles: Iterable[str] | None = None) -> frozenset[int]:
    """Agencies whose records `user` may see through the given roles (all roles when None)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    wanted = frozenset(roles) if roles is not None else None
    cache: dict[frozenset[str] | None, frozenset[int]] | None = getattr(user, "_scope_cache", None)
    if cache is None:
        cache = user._scope_cache = {}
    if wanted in cache:
        return cache[wanted]
    ids: set[int] = set()
    for role, agencies in _grant_scopes(user):
        if wanted is None or role in wanted:
            ids.update(agencies)
    result = frozenset(ids)
    cache[wanted] = result
    return result


def scope_agencies(user: Any, *, roles: Iterable[str] | None = None) -> models.QuerySet[OrgNode]:
    """The agencies in the user's scope, in tree order (for filters and "my agencies" lists)."""
    return OrgNode.objects.filter(id__in=scope_agency_ids(user, roles=roles)).order_by("path")


# agency_names: compiled once per process and count of ids (core.prepared)
_AGENCY_NAMES: PreparedIn[tuple[int, str]] = PreparedIn(
    lambda ids: OrgNode.objects.filter(id__in=ids).order_by("path").values_list("id", "name"),
    markers=(),
    list_marker=-730_100_300,
)


def agency_names(ids: Iterable[int]) -> list[tuple[int, str]]:
    """(id, name) of these nodes in tree order: `scope_agencies(user)`'s rows for the scope's ids."""
    return _AGENCY_NAMES(list(ids))


def restrict_to_scope(
    queryset: models.QuerySet[M], user: Any, *, field: str = "agency_id", roles: Iterable[str] | None = None
) -> models.QuerySet[M]:
    """Apply the scope rule to any queryset whose rows carry an agency."""
    return queryset.filter(**{f"{field}__in": scope_agency_ids(user, roles=roles)})


def user_can_see_agency(user: Any, agency_id: int | None, *, roles: Iterable[str] | None = None) -> bool:
    return agency_id is not None and agency_id in scope_agency_ids(user, roles=roles)


def granted_nodes(user: Any, *, roles: Iterable[str]) -> list[tuple[int, int | None]]:
    """(node id, its agency id) of each grant the user holds in one of `roles`."""
    return list(
        RoleGrant.objects.filter(user=user, role__in=list(roles)).values_list("node_id", "node__agency_id")
    )


def nodes_under_grants(user: Any, *, roles: Iterable[str]) -> models.QuerySet[OrgNode]:
    """The active governments and agencies at or below the nodes of the user's grants in `roles`, in
    tree order (units left out): the jurisdictions such a grant lets the user act for."""
    paths = list(
        RoleGrant.objects.filter(user=user, role__in=list(roles)).values_list("node__path", flat=True)
    )
    if not paths:
        return OrgNode.objects.none()
    q = models.Q()
    for path in paths:
        q |= models.Q(path__startswith=path)
    return OrgNode.objects.filter(q, is_active=True).exclude(kind=OrgNode.Kind.UNIT).order_by("path")


def node_names(ids: Iterable[int]) -> dict[int, str]:
    """Org node id → name, for labelling rows that carry only ids."""
    return dict(OrgNode.objects.filter(id__in=list(ids)).values_list("id", "name"))


def agency_list(*, include_units: bool = True) -> models.QuerySet[OrgNode]:
    """The org tree is public information (事前公开: agencies and their duties)."""
    qs = OrgNode.objects.filter(is_active=True).select_related("parent")
    if not include_units:
        qs = qs.exclude(kind=OrgNode.Kind.UNIT)
    return qs.order_by("path")


_NODE: Prepared[OrgNode] = Prepared(lambda pk: OrgNode.objects.filter(pk=pk), markers=(-730_100_063,))

# The home page's "My roles": compiled once per process (core.prepared).
_GRANTS_WITH_NODES: Prepared[RoleGrant] = Prepared(
    lambda user_id: RoleGrant.objects.filter(user_id=user_id).select_related("node").order_by("role"),
    markers=(-730_100_064,),
)


def grants_of(user: Any) -> list[RoleGrant]:
    """The user's role grants with their nodes, by role (`user.role_grants.select_related("node")
    .order_by("role")`, one query compiled once per process)."""
    return _GRANTS_WITH_NODES(user.pk)


def node_parent(node: OrgNode) -> OrgNode | None:
    """`node.parent`, read with a query compiled once per process (every 文书 names the agency's
    government as the reconsideration body); the parent the instance already holds is used as is."""
    if node.parent_id is None:
        return None
    if OrgNode.parent.is_cached(node):
        return node.parent
    return _NODE.first(node.parent_id)


def agency_get(*, node_id: int) -> OrgNode | None:
    """The org node in service with this id (any kind), with its parent; None if there is none."""
    return OrgNode.objects.filter(id=node_id, is_active=True).select_related("parent").first()


def agency_by_id(agency_id: int) -> OrgNode | None:
    """The agency (a node of kind agency, in service or not) with this id, or None: a payload's
    `agency_id` checked before a write. Scope is the caller's to check."""
    return OrgNode.objects.filter(pk=agency_id, kind=OrgNode.Kind.AGENCY).first()


def agencies_and_governments_of(user: Any, *, roles: Iterable[str]) -> models.QuerySet[OrgNode]:
    """The agencies in the user's scope through `roles` and the governments on which the user holds one
    of them, in tree order: the bodies the user acts for (who organises an exam session)."""
    wanted = list(roles)
    governments = RoleGrant.objects.filter(user=user, role__in=wanted, node__kind=OrgNode.Kind.GOVERNMENT)
    ids = set(scope_agency_ids(user, roles=wanted)) | set(governments.values_list("node_id", flat=True))
    return OrgNode.objects.filter(id__in=sorted(ids)).order_by("path")


def active_units(*, agency_ids: Iterable[int]) -> models.QuerySet[OrgNode]:
    """The units in service of these agencies, in tree order (a queue's or a transfer's choices)."""
    return OrgNode.objects.filter(
        agency_id__in=list(agency_ids), kind=OrgNode.Kind.UNIT, is_active=True
    ).order_by("path")


def child_units(node_id: int) -> models.QuerySet[OrgNode]:
    """The units in service directly under this node, in tree order (an agency's public page)."""
    return OrgNode.objects.filter(parent_id=node_id, kind=OrgNode.Kind.UNIT, is_active=True).order_by("path")


def active_agencies(*, excluding: int | None = None) -> models.QuerySet[OrgNode]:
    """Every agency in service, in tree order, but `excluding` (a complaint's transfer to another)."""
    agencies = OrgNode.objects.filter(kind=OrgNode.Kind.AGENCY, is_active=True)
    if excluding is not None:
        agencies = agencies.exclude(pk=excluding)
    return agencies.order_by("path")


def active_user(*, user_id: int | None = None, username: str | None = None) -> User | None:
    """The active user with this id or username (exactly one given), or None: a form's or payload's
    link to an account checked before a write."""
    if (user_id is None) == (username is None):
        raise TypeError("active_user: give user_id or username")
    users = User.objects.filter(is_active=True)
    return (users.filter(pk=user_id) if user_id is not None else users.filter(username=username)).first()


def issuing_organ(user: Any, *, for_agency_id: int) -> OrgNode | None:
    """The organ a document issued by `user` goes out in the name of: the agency the user works in (a
    supervisor in a unit of the 司法局 issues as the 司法局), else the government office the user sits
    in, else the nearest government above `for_agency_id` (the supervising jurisdiction). None only when
    the tree has neither; the caller then prints no organ rather than an invented one."""
    node_id = getattr(user, "node_id", None)
    if node_id is not None:
        node = OrgNode.objects.filter(id=node_id).select_related("agency").first()
        if node is not None and node.agency is not None:
            return node.agency
        if node is not None and node.kind == OrgNode.Kind.GOVERNMENT:
            return node
    agency = OrgNode.objects.filter(id=for_agency_id).first()
    if agency is None:
        return None
    ancestors = [int(i) for i in agency.path.strip("/").split("/") if i]
    return OrgNode.objects.filter(id__in=ancestors, kind=OrgNode.Kind.GOVERNMENT).order_by("-depth").first()


def subtree(node: OrgNode) -> models.QuerySet[OrgNode]:
    return OrgNode.objects.filter(path__startswith=node.path)


def users_with_role(role: str, *, agency_id: int, agency: OrgNode | None = None) -> models.QuerySet[User]:
    """Users holding `role` whose scope covers the agency (granted on it, a unit of it, or above it).
    `agency`: the agency's row when the caller already holds it (its path names the nodes above it),
    which saves reading it again."""
    if agency is None or agency.pk != agency_id:
        agency = OrgNode.objects.get(id=agency_id)
    return _users_with_role(role, agency_id, _path_ids(agency))


def _path_ids(node: OrgNode) -> list[int]:
    return [int(x) for x in node.path.strip("/").split("/") if x]


def _users_with_role(role: str, agency_id: int, ancestors: Iterable[int]) -> models.QuerySet[User]:
    return (
        User.objects.filter(is_active=True, role_grants__role=role)
        .filter(
            models.Q(role_grants__node__agency_id=agency_id) | models.Q(role_grants__node_id__in=ancestors)
        )
        .distinct()
    )


# The first few of them by id, as the case page names who takes its next step: compiled once per
# process and depth of the agency's path (core.prepared), not on every view of a case.
_FIRST_WITH_ROLE: dict[int, PreparedIn[User]] = {}


def first_users_with_role(role: str, *, agency: OrgNode, limit: int) -> list[User]:
    """`users_with_role(role, agency_id=agency.pk, agency=agency)` reading only the names
    (id, full_name, username), by id, the first `limit`."""
    prepared = _FIRST_WITH_ROLE.get(limit)
    if prepared is None:
        prepared = _FIRST_WITH_ROLE.setdefault(
            limit,
            PreparedIn(
                lambda role, agency_id, ancestors: (
                    _users_with_role(role, agency_id, ancestors)
                    .only("id", "full_name", "username")
                    .order_by("id")[:limit]
                ),
                markers=("\u2063prepared-role\u2063", -730_100_210),
                list_marker=-730_100_220,
            ),
        )
    return prepared(role, agency.pk, _path_ids(agency))


def admin_nodes(user: Any) -> models.QuerySet[OrgNode]:
    """The org nodes `user` administers (under a node he holds the admin role on), in tree order."""
    if getattr(user, "is_superuser", False):
        return OrgNode.objects.order_by("path")
    paths = list(RoleGrant.objects.filter(user=user, role="admin").values_list("node__path", flat=True))
    if not paths:
        return OrgNode.objects.none()
    q = models.Q()
    for path in paths:
        q |= models.Q(path__startswith=path)
    return OrgNode.objects.filter(q).order_by("path")


def admin_users(user: Any, *, q: str = "", include_inactive: bool = True) -> models.QuerySet[User]:
    """Accounts working in the nodes `user` administers (all accounts for a superuser), by name."""
    qs = User.objects.select_related("node")
    if not getattr(user, "is_superuser", False):
        qs = qs.filter(node__in=admin_nodes(user))
    if not include_inactive:
        qs = qs.filter(is_active=True)
    q = q.strip()
    if q:
        qs = qs.filter(models.Q(username__icontains=q) | models.Q(full_name__icontains=q))
    return qs.order_by("node__path", "full_name", "username")


def user_grants(user: User) -> models.QuerySet[RoleGrant]:
    return RoleGrant.objects.filter(user=user).select_related("node").order_by("role", "node__path")
