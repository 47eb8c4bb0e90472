from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from himoya.accounts.models import User
from himoya.core.policies import SystemActor
from himoya.reference import services
from himoya.reference.models import Steward


class Command(BaseCommand):
    help = (
        "Names, removes or lists the reference data stewards, who alone change the "
        "vocabularies, regions and places of detention every organisation shares: "
        "`himoya steward grant EMAIL`, `himoya steward revoke EMAIL`, `himoya steward list`."
    )

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name in ("grant", "revoke"):
            sub.add_parser(name, help=f"{name} stewardship").add_argument("email")
        sub.add_parser("list", help="list the stewards")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = SystemActor("cli:steward")
        if options["action"] == "list":
            for steward in Steward.objects.select_related("user__organisation").order_by(
                "user__email"
            ):
                org = steward.user.organisation
                self.stdout.write(f"{steward.user.email}\t{org.slug if org else '-'}")
            return
        user = User.objects.filter(email=options["email"].strip().lower()).first()
        if user is None:
            raise CommandError(f"no staff member {options['email']}")
        try:
            if options["action"] == "grant":
                services.steward_grant(actor=actor, user=user)
                self.stdout.write(f"{user.email} is a reference data steward")
            else:
                services.steward_revoke(actor=actor, user=user)
                self.stdout.write(f"{user.email} is not a reference data steward")
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
