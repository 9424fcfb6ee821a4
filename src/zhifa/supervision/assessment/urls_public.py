from django.urls import URLPattern, URLResolver, path

from zhifa.supervision.assessment import views_public

app_name = "assessment_public"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views_public.rankings, name="rankings"),
    path("<int:round_id>/", views_public.ranking, name="ranking"),
]
