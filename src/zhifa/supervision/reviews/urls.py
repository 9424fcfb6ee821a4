from django.urls import URLPattern, URLResolver, path

from zhifa.supervision.reviews import views

app_name = "reviews"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<int:campaign_id>/", views.campaign, name="campaign"),
    path("campaigns/<int:campaign_id>/results/", views.campaign_results, name="results"),
    path("campaigns/<int:campaign_id>/scores.xlsx", views.campaign_export, name="export"),
    path("campaigns/<int:campaign_id>/report.pdf", views.campaign_report, name="report"),
    path("campaigns/<int:campaign_id>/precheck-progress/", views.precheck_progress, name="precheck_progress"),
    path("campaigns/<int:campaign_id>/<slug:action>/", views.campaign_action, name="campaign_action"),
    path("files/<int:file_id>/", views.file_sheet, name="file"),
    path("files/<int:file_id>/dossier.pdf", views.file_dossier, name="dossier"),
    path("files/<int:file_id>/evidence/<int:evidence_id>/", views.file_evidence, name="evidence"),
    path("rubrics/", views.rubrics, name="rubrics"),
    path("rubrics/<int:rubric_id>/edit/", views.rubric_edit, name="rubric_edit"),
    path("rubrics/<int:rubric_id>.<slug:fmt>", views.rubric_download, name="rubric_download"),
    path("notices/<int:notice_id>/", views.notice, name="notice"),
    path("public/<int:campaign_id>/", views.public_results, name="public_results"),
]
