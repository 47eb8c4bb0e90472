"""``himoya content-role EMAIL editor|moderator|none``: give a staff member a content
role on the public site (the operator's way; coordinators use the same service)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Give a staff member the public site's content editor or moderator role."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")
        parser.add_argument("role", choices=["editor", "moderator", "none"])

    def handle(self, *args: Any, email: str, role: str, **options: Any) -> None:
        from himoya.accounts.models import User
        from himoya.core.policies import SystemActor
        from himoya.public_site.editing import content_role_set

        member = User.objects.filter(email=email.lower()).first()
        if member is None:
            raise CommandError(f"no staff member {email}")
        try:
            changed = content_role_set(
                actor=SystemActor("cli:content-role"),
                member=member,
                role="" if role == "none" else role,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write("changed" if changed else "unchanged")
