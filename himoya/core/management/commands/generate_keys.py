from typing import Any

from django.core.management.base import BaseCommand

from himoya.core.env import generate_secrets


class Command(BaseCommand):
    help = "Prints a fresh set of the instance's secrets as shell export lines."
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("# Himoya secrets. Keep them outside the database and its backups.")
        for name, value in generate_secrets().items():
            self.stdout.write(f"export {name}='{value}'")
