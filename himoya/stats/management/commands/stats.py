"""``himoya stats --year YYYY [--org SLUG] --format json|csv|xlsx`` (shared/interchange.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from himoya.accounts.models import Organisation
from himoya.core.policies import SystemActor
from himoya.stats.report import report_csv, report_json, report_xlsx, yearly_stats


class Command(BaseCommand):
    help = "Prints the yearly statistics (JSON, CSV or XLSX) to standard output."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument(
            "--org", default=None, help="one organisation's short name; default: all of them"
        )
        parser.add_argument("--format", default="json", choices=["json", "csv", "xlsx", "pdf"])
        parser.add_argument("--lang", default="", help="language of the PDF report")
        parser.add_argument("--output", default="", help="write to this file instead")
        parser.add_argument(
            "--places",
            action="store_true",
            help="add appeals by place of detention (the key 'places', outside the contract)",
        )
        parser.add_argument(
            "--offices",
            action="store_true",
            help="add appeals by office and its region, by id (the key 'offices', outside the "
            "contract)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["format"] == "pdf":
            raise CommandError(
                _(
                    "The PDF annual report is not available yet (it comes in a later "
                    "release); use --format json, csv or xlsx."
                )
            )
        if not 1900 <= options["year"] <= 2999:
            raise CommandError(_("Give the year as four digits, e.g. --year 2024."))
        organisation = None
        if options["org"]:
            organisation = Organisation.objects.filter(slug=options["org"]).first()
            if organisation is None:
                raise CommandError(
                    _("There is no organisation “%(slug)s”.") % {"slug": options["org"]}
                )
        report = yearly_stats(
            actor=SystemActor("cli:stats"),
            year=options["year"],
            organisation=organisation,
            places=options["places"],
            offices=options["offices"],
        )
        if options["format"] == "xlsx":
            data = report_xlsx(report)
            if options["output"]:
                Path(options["output"]).write_bytes(data)
            elif (buffer := getattr(self.stdout._out, "buffer", None)) is not None:
                buffer.write(data)
                buffer.flush()
            else:
                raise CommandError(_("XLSX is binary: give --output FILE."))
            return
        text = report_json(report) if options["format"] == "json" else report_csv(report)
        if options["output"]:
            Path(options["output"]).write_text(
                text + ("\n" if options["format"] == "json" else ""), encoding="utf-8"
            )
        else:
            self.stdout.write(text, ending="\n" if options["format"] == "json" else "")
