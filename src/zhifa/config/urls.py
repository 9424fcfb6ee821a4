from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from zhifa.config.api import api
from zhifa.core import views as core_views

admin.site.site_header = "执法平台管理"
admin.site.site_title = "执法平台管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/v1/<path:rest>", core_views.api_not_found),
    path("", include("zhifa.org.urls")),
    path("", include("zhifa.core.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
