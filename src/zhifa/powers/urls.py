from django.urls import URLPattern, URLResolver, path

from zhifa.powers import views

app_name = "powers"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.power_list, name="list"),
    path("new/", views.power_create, name="create"),
    path("<int:item_id>/", views.power_detail, name="detail"),
    path("<int:item_id>/discretion/", views.power_discretion, name="discretion"),
    path("<int:item_id>/edit/", views.power_edit, name="edit"),
    path("<int:item_id>/publish/", views.power_publish, name="publish"),
    path("<int:item_id>/discard/", views.power_discard, name="discard"),
    path("<int:item_id>/status/", views.power_status, name="status"),
    path("<int:item_id>/versions/<int:number>/", views.power_version, name="version"),
    path("unresolved/", views.power_unresolved, name="unresolved"),
    path("import/", views.power_import, name="import"),
    path("import/<int:job_id>/", views.power_import_job, name="import_job"),
    path("import/<int:job_id>/progress/", views.power_import_progress, name="import_progress"),
    path("export/<str:file>.<str:fmt>", views.power_export, name="export"),
    path("laws/", views.law_list, name="laws"),
    path("laws/<int:law_id>/", views.law_detail, name="law"),
    path("search/", views.search, name="search"),
]
