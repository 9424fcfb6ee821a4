from django.urls import URLPattern, URLResolver, path

from zhifa.supervision.appeals import views

app_name = "appeals"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.queue, name="queue"),
    path("agency/", views.agency_view, name="agency"),
    path("new/", views.new, name="new"),
    path("stats/", views.stats, name="stats"),
    path("<int:appeal_id>/", views.detail, name="detail"),
    path("<int:appeal_id>/act/<slug:event>/", views.act, name="act"),
    path("<int:appeal_id>/documents/decision/preview/", views.decision_preview, name="decision_preview"),
    path("<int:appeal_id>/documents/<slug:code>/", views.document, name="document"),
    path("<int:appeal_id>/files/<int:file_id>/", views.file_content, name="file"),
    path("<int:appeal_id>/court-papers/", views.court_papers, name="court_papers"),
    path("apply/", views.public_new, name="public_new"),
    path("track/", views.public_track, name="public_track"),
    path("track/<str:code>/", views.public_progress, name="public_progress"),
]
