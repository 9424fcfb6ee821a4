from django.urls import path

from zhifa.supervision.stats import views

app_name = "stats"
urlpatterns = [path("", views.summary, name="summary")]
