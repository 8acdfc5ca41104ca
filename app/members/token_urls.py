from django.urls import path

from app.members import token_views as views

urlpatterns = [
    path("", views.token_list_view, name="api-tokens"),
    path("<int:pk>/revoke/", views.token_revoke_view, name="api-token-revoke"),
]
