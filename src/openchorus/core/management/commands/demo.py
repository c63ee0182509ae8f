"""`openchorus demo`: load the demonstration data (idempotent; never run implicitly in production)."""

from django.core.management.base import BaseCommand

from openchorus.demo import demo_load


class Command(BaseCommand):
    help = "Load the demo data once and print the demo logins."

    def handle(self, *args, **options):
        report = demo_load()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"Demo password (all demo accounts): {report.password}")
        for login, role in report.logins:
            self.stdout.write(f"  {login:45} {role}")
