from django.core.management.base import BaseCommand
from django.db import transaction

from apps.core.demo import seeders


class Command(BaseCommand):
    help = "Create (or refresh) PronaFlow's demo data. Safe to run any number of times."

    def handle(self, *args, **options):
        ctx: dict = {"logins": []}
        with transaction.atomic():
            for label, seed in seeders():
                seed(ctx)
                self.stdout.write(f"  seeded {label}")
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        for email, password, note in ctx["logins"]:
            self.stdout.write(f"  login: {email} / {password}  ({note})")
