from django.urls import URLPattern, URLResolver, path

from zhifa.enforcement.inspections import views

app_name = "inspections"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.my_tasks, name="mine"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("tasks/<int:task_id>/act/<slug:event>/", views.task_act, name="act"),
    path("tasks/<int:task_id>/photos/", views.task_photo_add, name="photo_add"),
    path("tasks/<int:task_id>/photos/<int:photo_id>/", views.task_photo, name="photo"),
    path("tasks/<int:task_id>/code/", views.task_code, name="code"),
    path("plans/", views.plans, name="plans"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("plans/<int:plan_id>/draw/", views.plan_draw, name="draw"),
]
