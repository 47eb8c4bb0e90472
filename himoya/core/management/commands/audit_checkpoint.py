from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from himoya.core import audit_head
from himoya.core.audit import verify_chain
from himoya.core.events import record_event
from himoya.core.policies import SystemActor


class Command(BaseCommand):
    help = (
        "Signs the head of the audit chain (Ed25519) and pushes it off the server: "
        "--to file:PATH (appends a line), mailto:ADDRESS, https://URL (POST). Run it "
        "from a timer; keep the copies where whoever controls this server cannot reach."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--to",
            action="append",
            default=[],
            metavar="TARGET",
            help="file:PATH, mailto:ADDRESS or https://URL; may be repeated",
        )
        parser.add_argument(
            "--public-key",
            action="store_true",
            help="print the public key that verifies this instance's checkpoints, and stop",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["public_key"]:
                key = audit_head.signing_key().public_key()
                self.stdout.write(audit_head.public_key_text(key))
                return
            if not options["to"]:
                raise CommandError("name at least one --to target")
            targets = [audit_head.target_check(t) for t in options["to"]]
            report = verify_chain()
            if not report.ok:
                raise CommandError(
                    f"audit chain broken at event #{report.broken_seq}: {report.reason}; "
                    "no checkpoint is signed"
                )
            if report.head_seq is None:
                raise CommandError("the audit chain is empty; nothing to sign")
            checkpoint = audit_head.checkpoint_make(report)
        except audit_head.HeadError as exc:
            raise CommandError(str(exc)) from None
        failed = []
        for target in targets:
            scheme = target.partition(":")[0]
            try:
                audit_head.checkpoint_push(checkpoint, target)
            except (OSError, audit_head.HeadError) as exc:
                failed.append(f"{scheme}: {exc}")
                continue
            # The event records where the head went by kind only: a URL may carry a token.
            record_event(
                actor=SystemActor("cli:audit-checkpoint"),
                action="audit.checkpoint",
                data={"seq": checkpoint["seq"], "hash": checkpoint["hash"], "to": scheme},
            )
            self.stdout.write(f"checkpoint #{checkpoint['seq']} sent to {scheme}")
        if failed:
            raise CommandError("checkpoint not sent: " + "; ".join(failed))
