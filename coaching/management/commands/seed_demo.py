from django.core.management.base import BaseCommand

from coaching.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create or refresh the demo organisations, people and monitoring sources."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")

    def handle(self, *args, base_url: str, **options):
        for login in seed_demo(base_url=base_url.rstrip("/")):
            self.stdout.write(f"  {login.email:<34} {login.role:<22} {login.organisations}")
        self.stdout.write(f"  password for every demo login: {DEMO_PASSWORD}")
