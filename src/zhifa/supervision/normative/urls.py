from django.urls import URLPattern, URLResolver, path

from zhifa.supervision.normative import views

app_name = "normative"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.queues, name="queues"),
    path("new/", views.create, name="create"),
    path("cleanups/", views.cleanups, name="cleanups"),
    path("cleanups/<int:campaign_id>/", views.cleanup, name="cleanup"),
    path("<int:document_id>/", views.detail, name="detail"),
    path("<int:document_id>/act/<slug:event>/", views.act, name="act"),
    path("<int:document_id>/files/", views.upload, name="upload"),
    path("<int:document_id>/files/<int:file_id>/", views.file_download, name="file"),
]
