from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from himoya.core.demo_loader import DEMO_EMAIL_DOMAIN, current_totp_code, demo_totp_secret


class Command(BaseCommand):
    help = "Prints the current TOTP code of a demo account (never in production)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")
        parser.add_argument(
            "--secret", action="store_true", help="print the base32 secret for an app instead"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("totp-code works only outside production")
        email = options["email"].lower()
        if not email.endswith("@" + DEMO_EMAIL_DOMAIN):
            raise CommandError(f"only demo accounts (@{DEMO_EMAIL_DOMAIN}) have printable codes")
        code = current_totp_code(email)
        if code is None:
            raise CommandError(f"no demo account {email} with TOTP")
        self.stdout.write(demo_totp_secret(email) if options["secret"] else code)
