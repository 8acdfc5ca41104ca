from django.urls import path

from app.invitations import views

urlpatterns = [
    path("<str:token>/", views.invitation_accept_view, name="invitation-accept"),
]
