from django.contrib import admin
from django.urls import include, path

from zhifa.config.api import api
from zhifa.core import views as core_views
from zhifa.org.forms import AdminLoginForm

admin.site.site_header = "执法平台管理"
admin.site.site_title = "执法平台管理"
admin.site.login_form = AdminLoginForm  # lockout message; the lock itself is in org.auth's backend

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/v1/<path:rest>", core_views.api_not_found),
    path("", include("zhifa.org.urls")),
    path("manage/", include("zhifa.org.urls_manage")),
    path("powers/", include("zhifa.powers.urls")),
    path("officers/", include("zhifa.officers.urls")),
    path("cases/", include("zhifa.enforcement.cases.urls")),
    path("evidence/", include("zhifa.enforcement.evidence.urls")),
    path("documents/", include("zhifa.enforcement.documents.urls")),
    path("seizures/", include("zhifa.enforcement.seizures.urls")),
    path("alerts/", include("zhifa.foundation.alerts.urls")),
    path("stats/", include("zhifa.supervision.stats.urls")),
    path("reviews/", include("zhifa.supervision.reviews.urls")),
    path("assessment/", include("zhifa.supervision.assessment.urls")),
    path("portal/assessment/", include("zhifa.supervision.assessment.urls_public")),
    path("complaints/", include("zhifa.public.complaints.urls")),
    path("normative/", include("zhifa.supervision.normative.urls")),
    path("portal/normative/", include("zhifa.supervision.normative.urls_public")),
    path("appeals/", include("zhifa.supervision.appeals.urls")),
    path("inspections/", include("zhifa.enforcement.inspections.urls")),
    path("portal/inspections/", include("zhifa.enforcement.inspections.urls_public")),
    path("centre/", include("zhifa.supervision.centre.urls")),
    path("portal/annual-reports/", include("zhifa.supervision.centre.urls_public")),
    path("portal/", include("zhifa.public.portal.urls")),
    path("", include("zhifa.core.urls")),
]
# Nothing under MEDIA_ROOT is served by URL, not even in DEBUG: stored files (evidence, document PDFs,
# complaint attachments, upload staging) go out only through access-checked, audited views
# (zhifa.core.files.serving).

# A database or Redis that is down answers 503 + Retry-After, not 500 (zhifa.core.unavailable).
handler500 = "zhifa.core.unavailable.server_error"
