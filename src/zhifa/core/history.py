"""Append-only history rows (case events, credential events, complaint events, audit entries …).

The ORM refuses to update or delete them — one by one or in bulk — so history is only ever added to.
Raw SQL can still change rows; the audit chain (zhifa.audit) is what proves that it did not.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("history rows are never updated")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError("history rows are never deleted")


class AppendOnlyModel(models.Model):
    """A history row: inserted once by a service, then only read."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("history rows are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("history rows are never deleted")
