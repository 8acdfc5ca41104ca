"""The workspace's home page and dashboard, included at the site root beside app.workspaces.urls."""

from django.urls import path

from app.claims import dashboard

urlpatterns = [
    path("w/<slug:slug>/", dashboard.workspace_home, name="workspace-home"),
    path("w/<slug:slug>/dashboard/", dashboard.workspace_dashboard, name="workspace-dashboard"),
]
