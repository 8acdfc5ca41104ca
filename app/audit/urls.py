from django.urls import path

from app.audit import views

urlpatterns = [
    path("", views.timeline, name="audit-timeline"),
    path("export/", views.export, name="audit-export"),
    path("checkpoints/", views.checkpoint_create, name="audit-checkpoint-create"),
    path("checkpoints.json", views.checkpoint_list, name="audit-checkpoint-list"),
]
