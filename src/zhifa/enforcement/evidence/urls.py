from django.urls import URLPattern, URLResolver, path

from zhifa.enforcement.evidence import views

app_name = "evidence"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.evidence_list, name="list"),
    path("upload/", views.evidence_upload, name="upload"),
    path("destructions/", views.destruction_queue, name="destructions"),
    path("destructions/<int:destruction_id>/decide/", views.destruction_decide, name="destruction_decide"),
    path("<int:evidence_id>/", views.evidence_detail, name="detail"),
    path("<int:evidence_id>/content/", views.evidence_content, name="content"),
    path("<int:evidence_id>/verify/", views.evidence_verify, name="verify"),
    path("<int:evidence_id>/retention/", views.evidence_retention, name="retention"),
    path("<int:evidence_id>/destruction/", views.destruction_request, name="destruction_request"),
]
