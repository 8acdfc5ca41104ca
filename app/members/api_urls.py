from django.urls import path

from app.members import api

urlpatterns = [
    path("", api.WorkspaceListView.as_view(), name="api-workspace-list"),
    path("<slug:slug>/", api.WorkspaceDetailView.as_view(), name="api-workspace-detail"),
    path("<slug:slug>/members/", api.MemberListView.as_view(), name="api-member-list"),
    path("<slug:slug>/members/<int:pk>/", api.MemberDetailView.as_view(), name="api-member-detail"),
]
