"""Roles: granted on an org node, their scope follows that node (org.selectors). The names live in
`zhifa.core.roles` (the access checks' vocabulary, below org); this module keeps them at their
historic address."""

from zhifa.core.roles import ALL_ROLES, STAFF_ROLES, Role

__all__ = ["ALL_ROLES", "STAFF_ROLES", "Role"]
