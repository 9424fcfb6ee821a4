from django.urls import path

from zhifa.foundation.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.alert_list, name="list"),
    path("<int:alert_id>/resolve/", views.alert_resolve, name="resolve"),
]
