from django.urls import URLPattern, URLResolver, path

from zhifa.enforcement.documents import views

app_name = "documents"
urlpatterns: list[URLPattern | URLResolver] = [
    path("case/<int:case_id>/", views.case_dossier, name="dossier"),
    path("case/<int:case_id>/records/", views.record_create, name="record_create"),
    path("case/<int:case_id>/dossier.pdf", views.dossier_pdf, name="dossier_pdf"),
    path("case/<int:case_id>/dossier.pdf/progress/", views.dossier_pdf_progress, name="dossier_pdf_progress"),
    path("case/<int:case_id>/dossier.zip", views.dossier_zip, name="dossier_zip"),
    path("<int:document_id>/pdf/", views.document_pdf, name="pdf"),
    path("<int:document_id>/regenerate/", views.document_regenerate, name="regenerate"),
    path("<int:document_id>/served/", views.document_served, name="served"),
    path("templates/", views.template_list, name="templates"),
    path("templates/<slug:code>/", views.template_edit, name="template_edit"),
    path(
        "templates/<slug:code>/<int:version_id>/activate/", views.template_activate, name="template_activate"
    ),
    path(
        "templates/<slug:code>/<int:version_id>/preview.pdf", views.template_preview, name="template_preview"
    ),
]
