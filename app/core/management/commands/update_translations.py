"""Re-extract every translatable string into locale/<lang>/LC_MESSAGES/django.po."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from app.core.i18n import MAKEMESSAGES_RUNS


class Command(BaseCommand):
    help = (
        "Run makemessages for Sanad's languages with the project's options (new strings "
        "arrive untranslated; translate them in the .po files, then ./sanad compiles them)."
    )

    def handle(self, *args, **options):
        for options in MAKEMESSAGES_RUNS.values():
            call_command("makemessages", **options)
