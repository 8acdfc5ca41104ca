from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "app.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from app.audit.services import on_event_appended
        from app.notifications.events import notify_for_event

        on_event_appended(notify_for_event)
