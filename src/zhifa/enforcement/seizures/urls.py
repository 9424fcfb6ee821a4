from django.urls import URLPattern, URLResolver, path

from zhifa.enforcement.seizures import views

app_name = "seizures"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.seizure_register, name="register"),
    path("register.csv", views.seizure_register_csv, name="register_csv"),
    path("new/", views.seizure_new, name="new"),
    path("<int:seizure_id>/", views.seizure_detail, name="detail"),
    path("<int:seizure_id>/approve/", views.seizure_approve, name="approve"),
    path("<int:seizure_id>/extend/", views.seizure_extend, name="extend"),
    path("<int:seizure_id>/testing/", views.appraisal_start, name="appraisal_start"),
    path("<int:seizure_id>/testing/end/", views.appraisal_end, name="appraisal_end"),
    path("<int:seizure_id>/dispose/", views.seizure_dispose, name="dispose"),
]
