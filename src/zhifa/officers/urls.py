from django.urls import URLPattern, URLResolver, path

from zhifa.officers import views, views_public

app_name = "officers"
urlpatterns: list[URLPattern | URLResolver] = [
    path("<int:officer_id>/photo/", views.photo, name="photo"),
    path("check/", views_public.check_search, name="check_search"),
    path("check/<str:number>/", views_public.check, name="check"),
    path("check/<str:number>/photo/", views_public.check_photo, name="check_photo"),
]
