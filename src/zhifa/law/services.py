from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from zhifa.audit.services import audit_record
from zhifa.core.errors import InvalidInput
from zhifa.law.jurisdiction import REGISTRY
from zhifa.law.models import JurisdictionSetting
from zhifa.org.models import OrgNode


def jurisdiction_setting_set(
    *, actor: Any | None, node: OrgNode, key: str, value: Any, document: str = ""
) -> JurisdictionSetting:
    if key not in REGISTRY:
        raise InvalidInput(_("Unknown setting."), detail={"key": key})
    if node.kind != OrgNode.Kind.GOVERNMENT:
        raise InvalidInput(_("Jurisdiction settings belong to a government node."))
    try:
        parsed = REGISTRY[key].parse(value)
    except (ValueError, ArithmeticError, TypeError) as exc:
        raise InvalidInput(_("The value is not valid for this setting."), detail={"key": key}) from exc
    with transaction.atomic():
        row = JurisdictionSetting.objects.select_for_update().filter(node=node, key=key).first()
        before = row.value if row else None
        if row is None:
            row = JurisdictionSetting(node=node, key=key)
        row.value = REGISTRY[key].to_json(parsed)
        row.document = document
        row.set_by = actor if getattr(actor, "pk", None) else None
        row.save()
        audit_record(
            actor=actor,
            action="law.setting_set",
            obj=row,
            summary={"key": key, "before": before, "after": row.value, "document": document},
        )
    return row
