from django.urls import URLPattern, URLResolver, path

from zhifa.enforcement.inspections import views, views_directory

app_name = "inspections"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.my_tasks, name="mine"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("tasks/<int:task_id>/act/<slug:event>/", views.task_act, name="act"),
    path("tasks/<int:task_id>/photos/", views.task_photo_add, name="photo_add"),
    path("tasks/<int:task_id>/photos/<int:photo_id>/", views.task_photo, name="photo"),
    path("tasks/<int:task_id>/code/", views.task_code, name="code"),
    path("items/", views_directory.items, name="items"),
    path("items/new/", views_directory.item_new, name="item_new"),
    path("targets/", views_directory.targets, name="targets"),
    path("targets/new/", views_directory.target_new, name="target_new"),
    path("targets/import/", views_directory.targets_import, name="targets_import"),
    path("targets/export/", views_directory.targets_export, name="targets_export"),
    path("plans/", views.plans, name="plans"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("plans/<int:plan_id>/draw/", views.plan_draw, name="draw"),
]
