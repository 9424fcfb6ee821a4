from django.urls import URLPattern, URLResolver, path

from zhifa.supervision.assessment import views

app_name = "assessment"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("sets/import/", views.set_import, name="set_import"),
    path("sets/<int:set_id>/", views.set_detail, name="set"),
    path("sets/<int:set_id>/edit/", views.set_edit, name="set_edit"),
    path("sets/<int:set_id>/indicators.xlsx", views.set_export, name="set_export"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("rounds/<int:round_id>/", views.round_detail, name="round"),
    path("rounds/<int:round_id>/ranking/", views.ranking_page, name="ranking"),
    path("rounds/<int:round_id>/report.pdf", views.report_pdf, name="report"),
    path("rounds/<int:round_id>/act/<slug:event>/", views.round_action, name="round_action"),
    path("rounds/<int:round_id>/agencies/<int:agency_id>/self-check/", views.self_check, name="self_check"),
    path(
        "rounds/<int:round_id>/agencies/<int:agency_id>/materials/",
        views.material_upload,
        name="material_upload",
    ),
    path("rounds/<int:round_id>/agencies/<int:agency_id>/score/", views.score, name="score"),
    path(
        "rounds/<int:round_id>/agencies/<int:agency_id>/leaves/<str:code>/records/",
        views.leaf_records,
        name="leaf_records",
    ),
    path("materials/<int:material_id>/", views.material, name="material"),
    path("worklist/", views.worklist, name="worklist"),
]
