from django.urls import path

from app.audit import views

urlpatterns = [path("public-key", views.public_key, name="audit-public-key")]
