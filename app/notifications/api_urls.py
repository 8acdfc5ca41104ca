from django.urls import path

from app.notifications import api

urlpatterns = [
    path("my-work/", api.MyWorkView.as_view(), name="api-my-work"),
    path("notifications/", api.NotificationListView.as_view(), name="api-notification-list"),
    path("notifications/read/", api.NotificationReadView.as_view(), name="api-notification-read"),
]
