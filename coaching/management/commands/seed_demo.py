from django.core.management.base import BaseCommand

from coaching.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create or refresh the demo organisations, people and monitoring sources."

    def handle(self, *args, **options):
        for login in seed_demo():
            self.stdout.write(f"  {login.email:<34} {login.role:<22} {login.organisations}")
        self.stdout.write(f"  password for every demo login: {DEMO_PASSWORD}")
