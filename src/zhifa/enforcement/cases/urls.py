from django.urls import URLPattern, URLResolver, path

from zhifa.enforcement.cases import no_penalty_views, views

app_name = "cases"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("on-spot/", views.case_on_spot, name="on_spot"),
    path("overdue/", views.case_overdue, name="overdue"),
    path("workflow/", views.case_workflow, name="workflow"),
    path("no-penalty-list/", no_penalty_views.no_penalty_list, name="no_penalty_list"),
    path("no-penalty-list/new/", no_penalty_views.no_penalty_new, name="no_penalty_new"),
    path("no-penalty-list/<int:entry_id>/", no_penalty_views.no_penalty_edit, name="no_penalty_edit"),
    path(
        "no-penalty-list/<int:entry_id>/retire/", no_penalty_views.no_penalty_retire, name="no_penalty_retire"
    ),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/events/<slug:event>/", views.case_event, name="event"),
]
