from django.urls import URLPattern, URLResolver, path

from zhifa.enforcement.cases import views

app_name = "cases"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("on-spot/", views.case_on_spot, name="on_spot"),
    path("overdue/", views.case_overdue, name="overdue"),
    path("workflow/", views.case_workflow, name="workflow"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/events/<slug:event>/", views.case_event, name="event"),
]
