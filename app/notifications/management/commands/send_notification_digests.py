from django.core.management.base import BaseCommand

from app.notifications.digest import digests_send


class Command(BaseCommand):
    help = (
        "E-mail unread notifications to people who chose an immediate or daily digest "
        "(run it from a scheduler; does nothing when e-mail is not configured)."
    )

    def handle(self, *args, **options):
        run = digests_send()
        self.stdout.write(f"Sent {run.emails} e-mails with {run.notifications} notifications.")
