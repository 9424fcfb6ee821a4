from django.urls import URLPattern, URLResolver, path

from zhifa.officers import views, views_manage, views_public, views_training

app_name = "officers"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.officer_list, name="list"),
    path("new/", views.officer_create, name="create"),
    path("<int:officer_id>/", views.officer_detail, name="detail"),
    path("<int:officer_id>/edit/", views.officer_edit, name="edit"),
    path("<int:officer_id>/card/", views.officer_card, name="card"),
    path("<int:officer_id>/photo/", views.photo, name="photo"),
    path("<int:officer_id>/photo/upload/", views_manage.photo_upload, name="photo_upload"),
    path("<int:officer_id>/credentials/", views_manage.credential_issue, name="credential_issue"),
    path("<int:officer_id>/trainings/", views_manage.training_add, name="training_add"),
    path(
        "credentials/<int:credential_id>/<slug:action>/",
        views_manage.credential_action,
        name="credential_action",
    ),
    path("stats/", views_training.stats, name="stats"),
    path("exams/", views_training.exams, name="exams"),
    path("exams/<int:session_id>/", views_training.exam, name="exam"),
    path("exams/<int:session_id>/import/", views_training.exam_import, name="exam_import"),
    path("import/training/", views_training.training_import, name="training_import"),
    path("import/template/<slug:kind>/", views_training.import_template, name="import_template"),
    path("check/", views_public.check_search, name="check_search"),
    path("check/<str:number>/", views_public.check, name="check"),
    path("check/<str:number>/photo/", views_public.check_photo, name="check_photo"),
]
