"""`DeadlineRows`: a domain model's deadlines as if they were a reverse relation, prefetchable.

A deadline row names its object (`object_type`, `object_id`) instead of linking it, so the foundation
imports no domain. A domain whose pages list many objects with their deadlines declares, on its model,

    deadlines = DeadlineRows("cases.case", "cases.CaseDeadline")

and gets `case.deadlines.all()` and `prefetch_related("deadlines")` /
`Prefetch("deadlines", queryset=…, to_attr=…)` with one query for the whole page, as with a foreign key.
The second argument is the model the rows come back as (the domain's proxy of `deadlines.Deadline`,
with its labels), or `deadlines.Deadline` itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db import models


class _Rows:
    """What `obj.deadlines` gives: `.all()` (the prefetched rows when there are) and `.filter()`."""

    def __init__(self, descriptor: DeadlineRows, instance: models.Model) -> None:
        self.descriptor, self.instance = descriptor, instance

    def _apply_rel_filters(self, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return queryset.filter(object_type=self.descriptor.object_type, object_id=self.instance.pk)

    def get_queryset(self) -> models.QuerySet[Any]:
        cache = getattr(self.instance, "_prefetched_objects_cache", {})
        if self.descriptor.cache_name in cache:
            cached: models.QuerySet[Any] = cache[self.descriptor.cache_name]
            return cached
        return self._apply_rel_filters(self.descriptor.model()._default_manager.all())

    def all(self) -> models.QuerySet[Any]:
        return self.get_queryset()

    def filter(self, *args: Any, **kwargs: Any) -> models.QuerySet[Any]:
        return self.get_queryset().filter(*args, **kwargs)


class DeadlineRows:
    def __init__(self, object_type: str, model_label: str = "deadlines.Deadline") -> None:
        self.object_type, self.model_label = object_type, model_label
        self.cache_name = "deadlines"

    def __set_name__(self, owner: type, name: str) -> None:
        self.cache_name = name

    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    def __get__(self, instance: models.Model | None, owner: type) -> Any:
        if instance is None:
            return self
        return _Rows(self, instance)

    def is_cached(self, instance: models.Model) -> bool:
        return self.cache_name in getattr(instance, "_prefetched_objects_cache", {})

    def get_prefetch_querysets(
        self, instances: list[models.Model], querysets: list[models.QuerySet[Any]] | None = None
    ) -> tuple[models.QuerySet[Any], Callable[[Any], Any], Callable[[Any], Any], bool, str, bool]:
        """Django's prefetch protocol (as a reverse foreign key answers it)."""
        qs = querysets[0] if querysets else self.model()._default_manager.all()
        qs = qs.filter(object_type=self.object_type, object_id__in={i.pk for i in instances})
        for instance in instances:  # Django stores the prefetched rows in this cache
            if not hasattr(instance, "_prefetched_objects_cache"):
                instance._prefetched_objects_cache = {}  # type: ignore[attr-defined]
        return qs, (lambda row: row.object_id), (lambda obj: obj.pk), False, self.cache_name, False
