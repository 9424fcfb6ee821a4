"""The JSON API at /api/v1/. Each app contributes a Router from its api.py; add yours to ROUTERS."""

from __future__ import annotations

from django.utils.module_loading import import_string
from ninja import NinjaAPI

from zhifa.core.api import forbid_unknown_fields, install_error_handlers, session_auth
from zhifa.core.api_json import Renderer
from zhifa.org.api import BearerAuth

api = NinjaAPI(
    title="Zhifa API",
    version="1",
    description="行政执法综合管理监督平台 JSON API. Contract: shared/API.md.",
    auth=[BearerAuth(), session_auth],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    renderer=Renderer(),  # orjson, UTF-8 (core.api_json)
)
install_error_handlers(api)

# (prefix, router path). Prefix "" mounts the router's own paths at the root of /api/v1/.
ROUTERS: list[tuple[str, str]] = [
    ("", "zhifa.org.api.router"),
    ("", "zhifa.core.calendar_api.router"),
    ("", "zhifa.audit.api.router"),
    ("", "zhifa.powers.api.router"),
    ("", "zhifa.officers.api.router"),
    ("", "zhifa.enforcement.cases.api.router"),
    ("", "zhifa.enforcement.evidence.api.router"),
    ("", "zhifa.enforcement.documents.api.router"),
    ("", "zhifa.enforcement.seizures.api.router"),
    ("", "zhifa.foundation.alerts.api.router"),
    ("", "zhifa.supervision.stats.api.router"),
    ("", "zhifa.supervision.reviews.api.router"),
    ("", "zhifa.supervision.assessment.api.router"),
    ("", "zhifa.public.portal.api.router"),
    ("", "zhifa.public.complaints.api.router"),
    ("", "zhifa.supervision.normative.api.router"),
    ("", "zhifa.supervision.appeals.api.router"),
    ("", "zhifa.enforcement.inspections.api.router"),
    ("", "zhifa.supervision.centre.api.router"),
]

for prefix, path in ROUTERS:
    api.add_router(prefix, import_string(path))

forbid_unknown_fields(api)
