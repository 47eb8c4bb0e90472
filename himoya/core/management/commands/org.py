from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from himoya.accounts.models import Organisation
from himoya.accounts.services import organisation_create
from himoya.core.policies import SystemActor


class Command(BaseCommand):
    help = (
        "Creates or lists organisations: "
        "`himoya org create SLUG --name NAME [--country CC]`, `himoya org list`."
    )

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create an organisation")
        create.add_argument("slug")
        create.add_argument("--name", required=True)
        create.add_argument("--country", default="")
        sub.add_parser("list", help="list organisations")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "create":
            try:
                org = organisation_create(
                    actor=SystemActor("cli:org"),
                    slug=options["slug"],
                    name=options["name"],
                    country=options["country"],
                )
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
            self.stdout.write(f"created organisation {org.slug}")
            return
        for org in Organisation.objects.order_by("slug"):
            self.stdout.write(f"{org.slug}\t{org.country}\t{org.name}")
