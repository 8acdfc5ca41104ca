from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "app.notifications"
    label = "notifications"
    verbose_name = "Notifications"
