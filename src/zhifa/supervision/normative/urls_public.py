from django.urls import URLPattern, URLResolver, path

from zhifa.supervision.normative import views_public

app_name = "normative_public"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views_public.register, name="register"),
    path("<int:document_id>/", views_public.document, name="document"),
    path("<int:document_id>/files/<int:file_id>/", views_public.file_download, name="file"),
]
