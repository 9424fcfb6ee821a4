from django.urls import URLPattern, URLResolver

app_name = "officers"
urlpatterns: list[URLPattern | URLResolver] = []
