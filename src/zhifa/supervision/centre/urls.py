from django.urls import URLPattern, path

from zhifa.supervision.centre import views

app_name = "centre"
urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("clues/<int:clue_id>/", views.clue, name="clue"),
    path("clues/<int:clue_id>/<slug:event>/", views.clue_act, name="act"),
    path("notices/<int:notice_id>/pdf/", views.notice_pdf, name="notice_pdf"),
    path("notices/<int:notice_id>/materials/<int:material_id>/", views.material, name="material"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/<str:code>/", views.indicator_detail, name="indicator"),
    path("accountability/", views.faults, name="faults"),
    path("monthly-report/", views.monthly, name="monthly"),
    path("annual-reports/", views.annual, name="annual"),
]
