from django.urls import path

from zhifa.org import views_manage as views

app_name = "org_manage"
urlpatterns = [
    path("", views.manage_home, name="home"),
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_new, name="user_new"),
    path("users/<int:user_id>/", views.user_detail, name="user"),
    path("users/<int:user_id>/password/", views.user_password, name="user_password"),
    path("users/<int:user_id>/grants/", views.grant_add, name="grant_add"),
    path("users/<int:user_id>/grants/<int:grant_id>/remove/", views.grant_remove, name="grant_remove"),
    path("org/", views.org_tree, name="tree"),
    path("org/<int:node_id>/", views.node_detail, name="node"),
]
