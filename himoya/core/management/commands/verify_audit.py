from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from himoya.core import audit_head
from himoya.core.audit import verify_chain


class Command(BaseCommand):
    help = (
        "Re-computes the audit chain; exits non-zero naming the first broken event, or when "
        "the chain does not reach a head recorded elsewhere (--expect-head, --checkpoint)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--expect-head",
            metavar="SEQ:HASH",
            help="a head printed earlier (SEQ:HASH, or HASH alone): the chain must contain it",
        )
        parser.add_argument(
            "--checkpoint",
            metavar="FILE",
            type=Path,
            help="signed checkpoints (one JSON per line, as `audit-checkpoint --to file:` "
            "writes them): each signature must hold and the chain must contain each head",
        )
        parser.add_argument(
            "--public-key",
            metavar="BASE64",
            help="the Ed25519 public key the checkpoints were signed with (printed by "
            "`audit-checkpoint --public-key`); default: this instance's own key",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            expected = (
                audit_head.Head.parse(options["expect_head"])
                if options["expect_head"] is not None
                else None
            )
            if options["checkpoint"]:
                key = (
                    audit_head.load_public_key(options["public_key"])
                    if options["public_key"]
                    else audit_head.signing_key().public_key()
                )
                checkpoints = audit_head.checkpoints_read(options["checkpoint"])
                report, problem = audit_head.checkpoints_check(checkpoints, key)
            else:
                report, problem = verify_chain(), ""
        except audit_head.HeadError as exc:
            raise CommandError(str(exc)) from None
        if not report.ok:
            raise CommandError(f"audit chain broken at event #{report.broken_seq}: {report.reason}")
        if not problem and expected is not None:
            problem = audit_head.check_head(report, expected)
        if problem:
            raise CommandError(f"audit chain does not reach the recorded head: {problem}")
        if report.head_seq is None:
            self.stdout.write("audit chain is empty")
            return
        self.stdout.write(
            f"audit chain intact: {report.checked} events; head #{report.head_seq} "
            f"{report.head_hash}"
        )
        if expected is not None or options["checkpoint"]:
            self.stdout.write("the chain contains every recorded head")
        self.stdout.write(
            f"Keep the head ({report.head_seq}:{report.head_hash}) somewhere off this server "
            "and pass it as --expect-head next time, or push signed checkpoints "
            "(`himoya audit-checkpoint`), to detect a cut tail."
        )
