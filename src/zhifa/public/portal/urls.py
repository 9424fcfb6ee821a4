from django.urls import URLPattern, URLResolver, path

from zhifa.public.complaints import views_public as complaints
from zhifa.public.portal import views, views_manage

app_name = "portal"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("before/", views.before, name="before"),
    path("agencies/<int:agency_id>/", views.agency, name="agency"),
    path("guides/", views.guides, name="guides"),
    path("powers/", views.powers, name="powers"),
    path("powers/<int:item_id>/", views.power, name="power"),
    path("procedures/<slug:name>/", views.procedure, name="procedure"),
    path("no-penalty-list/", views.no_penalty_list, name="no_penalty_list"),
    path("during/", views.during, name="during"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/<int:decision_id>/", views.decision, name="decision"),
    path("stats/", views.stats, name="stats"),
    path("dispositions/", views.dispositions, name="dispositions"),
    path("complaints/new/", complaints.complaint_new, name="complaint_new"),
    path("complaints/track/", complaints.complaint_track, name="complaint_track"),
    path("complaints/<str:code>/", complaints.complaint_progress, name="complaint_progress"),
    path("complaints/<str:code>/feedback/", complaints.complaint_feedback, name="complaint_feedback"),
    path("complaints/<str:code>/review/", complaints.complaint_review, name="complaint_review"),
    path("manage/", views_manage.manage_list, name="manage"),
    path("manage/<int:decision_id>/", views_manage.manage_detail, name="manage_detail"),
    path("manage/<int:decision_id>/<slug:action>/", views_manage.manage_act, name="manage_act"),
]
