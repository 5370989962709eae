from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from apps.core.demo import seeders

# Demo activity (assignments, mentions, invitations) triggers e-mails to made-up addresses:
# keep them in memory instead of sending or printing them.
DEMO_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


class Command(BaseCommand):
    help = "Create (or refresh) PronaFlow's demo data. Safe to run any number of times."

    def handle(self, *args, **options):
        ctx: dict = {"logins": []}
        with override_settings(EMAIL_BACKEND=DEMO_EMAIL_BACKEND), transaction.atomic():
            for label, seed in seeders():
                seed(ctx)
                self.stdout.write(f"  seeded {label}")
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        for email, password, note in ctx["logins"]:
            self.stdout.write(f"  login: {email} / {password}  ({note})")
