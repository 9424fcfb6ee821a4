from django.urls import URLPattern, URLResolver, path

from zhifa.public.complaints import views

app_name = "complaints"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.queue, name="queue"),
    path("new/", views.intake, name="intake"),
    path("stats/", views.stats, name="stats"),
    path("reviews/", views.reviews, name="reviews"),
    path("<int:complaint_id>/review/request/", views.review_request, name="review_request"),
    path("<int:complaint_id>/review/answer/", views.review_answer, name="review_answer"),
    path("<int:complaint_id>/", views.detail, name="detail"),
    path("<int:complaint_id>/act/<slug:action>/", views.act, name="act"),
    path("<int:complaint_id>/convert/", views.convert, name="convert"),
    path("<int:complaint_id>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
]
