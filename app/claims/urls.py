from django.urls import path

from app.claims import views

urlpatterns = [
    path("<int:pk>/", views.claim_detail, name="claim-detail"),
    path("<int:pk>/edit/", views.claim_edit, name="claim-edit"),
]
