from django.urls import path

from zhifa.core import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
]
