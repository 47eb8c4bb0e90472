from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from himoya.core.db_roles import grants_sql, runtime_role_problems


class Command(BaseCommand):
    help = (
        "Prints the GRANT statements that let the application's database role "
        "(DATABASE_URL) work without owning the tables (--print-sql), or checks the role "
        "the application connects as (--check)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--print-sql", action="store_true", help="print the statements")
        parser.add_argument("--check", action="store_true", help="check DATABASE_URL's role")
        parser.add_argument("--app-role", default="himoya_app", help="default: himoya_app")
        parser.add_argument("--owner-role", default="himoya_owner", help="default: himoya_owner")
        parser.add_argument("--schema", default="public")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["print_sql"]:
            self.stdout.write(
                f"-- Run as {options['owner_role']} (or a superuser) in Himoya's database, "
                "after `himoya migrate`."
            )
            for statement in grants_sql(
                app_role=options["app_role"],
                owner_role=options["owner_role"],
                schema=options["schema"],
            ):
                self.stdout.write(statement + ";")
            return
        if options["check"]:
            problems = runtime_role_problems(connection)
            if problems:
                raise CommandError("; ".join(problems))
            self.stdout.write("the application's role may only read and insert audit events")
            return
        raise CommandError("name --print-sql or --check")
