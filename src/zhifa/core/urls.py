from django.urls import path

from zhifa.core import calendar_views, views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("calendar/", calendar_views.calendar_years, name="calendar_years"),
    path("calendar/enter/", calendar_views.calendar_enter, name="calendar_enter"),
    path("calendar/<int:year>/edit/", calendar_views.calendar_edit, name="calendar_edit"),
]
