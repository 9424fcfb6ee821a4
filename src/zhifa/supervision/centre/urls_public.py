from django.urls import URLPattern, path

from zhifa.supervision.centre import views_public

app_name = "centre_public"
urlpatterns: list[URLPattern] = [
    path("", views_public.annual_list, name="annual_list"),
    path("<int:report_id>/", views_public.annual_detail, name="annual_detail"),
    path("<int:report_id>/pdf/", views_public.annual_pdf, name="annual_pdf"),
]
