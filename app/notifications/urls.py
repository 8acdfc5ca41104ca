from django.urls import path

from app.notifications import views

urlpatterns = [
    path("my-work/", views.my_work_view, name="my-work"),
    path("notifications/", views.notification_list_view, name="notification-list"),
    path("notifications/read/", views.notification_read_view, name="notification-read"),
    path("notifications/counts/", views.header_counts_view, name="header-counts"),
    path("mentions/", views.mention_candidates_view, name="mention-candidates"),
    path("claims/<int:pk>/follow/", views.claim_follow_view, name="claim-follow"),
]
