from django.urls import URLPattern, URLResolver, path

from zhifa.enforcement.inspections import views_public

app_name = "inspections_public"
urlpatterns: list[URLPattern | URLResolver] = [
    path("results/", views_public.results, name="results"),
    path("draws/<int:draw_id>/", views_public.draw, name="draw"),
    path("code/<str:code>/", views_public.code, name="code"),
]
