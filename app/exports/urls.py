from django.urls import path

from app.exports import views

urlpatterns = [
    path("", views.export_page, name="export-page"),
]
