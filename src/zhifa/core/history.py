"""Append-only history rows (case events, credential events, complaint events, audit entries …).

The ORM refuses to update or delete them — one by one or in bulk — so history is only ever added to.
Raw SQL can still change rows; the audit chain (zhifa.audit) is what proves that it did not.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models

from zhifa.core.prepared import insert


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def create(self, **kwargs: Any) -> Any:
        """`QuerySet.create` through `core.prepared.insert`: a history row is only ever inserted, and
        its INSERT is built once per model and process instead of compiled for every row (an event row
        is written by every workflow event). insert() falls back to save() wherever it would do more."""
        obj = self.model(**kwargs)
        self._for_write = True
        insert(obj, using=self.db)
        return obj

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("history rows are never updated")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError("history rows are never deleted")


class AppendOnlyModel(models.Model):
    """A history row: inserted once by a service, then only read."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # save() below only refuses updates, so core.prepared.insert may add a new row without it —
        # unless a subclass has a save() of its own (then insert() calls that save()).
        if "INSERT_WITHOUT_SAVE" not in cls.__dict__:
            cls.INSERT_WITHOUT_SAVE = cls.save is AppendOnlyModel.save  # type: ignore[attr-defined]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("history rows are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("history rows are never deleted")
