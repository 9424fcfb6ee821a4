"""The org tree (governments, agencies, units), users and role grants."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhifa.org.roles import Role


class OrgNode(models.Model):
    """A node of the org tree.

    - government (人民政府, a jurisdiction: province, city, district) — holds supervisors' scope and
      the jurisdiction's settings;
    - agency (执法主体) — acts in its own name, owns records (cases, officers …);
    - unit (科室/中队) — sits inside an agency; its people act for the agency.

    `path` is a materialised path ("/1/4/9/") so a subtree is one indexed prefix query; `agency` is the
    nearest agency at or above the node (null for governments), denormalised because every scope
    check needs it.
    """

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government (jurisdiction)")
        AGENCY = "agency", _("Agency")
        UNIT = "unit", _("Unit")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    abbreviation = models.CharField(
        _("abbreviation"), max_length=20, blank=True, help_text=_("Used in case and document numbers")
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    agency = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    region_code = models.CharField(_("region code"), max_length=12, blank=True)
    duties = models.TextField(_("duties"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("org node")
        verbose_name_plural = _("org nodes")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["government", "agency", "unit"]), name="orgnode_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_agency(self) -> bool:
        return self.kind == self.Kind.AGENCY

    @property
    def is_unit(self) -> bool:
        """A unit inside an agency (a squadron, an office), not an agency or a government."""
        return self.kind == self.Kind.UNIT


class User(AbstractUser):
    """A person who signs in. `node` is where they work (a unit or agency, or a government office)."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    node = models.ForeignKey(
        OrgNode,
        verbose_name=_("org node"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def role_names(self) -> frozenset[str]:
        """Roles held on any node; cached on the instance for the request."""
        cached: frozenset[str] | None = getattr(self, "_role_names", None)
        if cached is None:
            if not self.pk:
                cached = frozenset()
            else:
                cached = frozenset(self.role_grants.values_list("role", flat=True))
            self._role_names = cached
        return cached

    def has_role(self, role: str) -> bool:
        return role in self.role_names()

    def forget_roles(self) -> None:
        self.__dict__.pop("_role_names", None)
        self.__dict__.pop("_grant_scopes", None)
        if hasattr(self, "_scope_cache"):
            del self._scope_cache


class RoleGrant(models.Model):
    """A role held by a user on an org node. The node sets the scope (see org.selectors)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    node = models.ForeignKey(OrgNode, verbose_name=_("org node"), on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [models.UniqueConstraint(fields=["user", "role", "node"], name="rolegrant_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} @ {self.node}"


class LoginThrottle(models.Model):
    """Failed sign-ins per username *and* client address, plus one row per address (username "")
    counting failures for any username. A lock applies to that pair (or that address) only, so guessing
    from one address cannot lock a known user out of their own machine. See docs/security.md."""

    username = models.CharField(max_length=150, blank=True)
    address = models.CharField(max_length=45, blank=True, default="")
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("login throttle")
        verbose_name_plural = _("login throttles")
        constraints = [
            models.UniqueConstraint(fields=["username", "address"], name="login_throttle_user_address")
        ]

    def __str__(self) -> str:
        return f"{self.username or '*'} @ {self.address or '?'}"


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} until {self.expires_at:%Y-%m-%d %H:%M}"
