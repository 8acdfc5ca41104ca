from django.urls import path

from app.invitations import views

urlpatterns = [
    path("", views.invitation_list_view, name="invitation-list"),
    path("<int:invitation_id>/resend/", views.invitation_resend_view, name="invitation-resend"),
    path("<int:invitation_id>/revoke/", views.invitation_revoke_view, name="invitation-revoke"),
]
