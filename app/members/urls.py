from django.urls import path

from app.members import views

urlpatterns = [
    path("", views.home, name="home"),
    path("workspaces/new/", views.workspace_create, name="workspace-create"),
    path("w/<slug:slug>/members/", views.member_list_view, name="workspace-members"),
    path("w/<slug:slug>/members/add/", views.member_add_view, name="workspace-member-add"),
    path(
        "w/<slug:slug>/members/<int:membership_id>/role/",
        views.member_role_view,
        name="workspace-member-role",
    ),
    path(
        "w/<slug:slug>/members/<int:membership_id>/password-reset/",
        views.member_password_reset_view,
        name="workspace-member-password-reset",
    ),
    path(
        "w/<slug:slug>/members/<int:membership_id>/<str:action>/",
        views.member_action_view,
        name="workspace-member-action",
    ),
    path("w/<slug:slug>/language/", views.workspace_language_view, name="workspace-language"),
    path("w/<slug:slug>/members/leave/", views.member_leave_view, name="workspace-member-leave"),
]
