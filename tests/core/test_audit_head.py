"""A head recorded off the server catches what the chain cannot see from the inside: a cut
tail, an emptied table, a chain rewritten with every hash recomputed. Expected heads
(`verify-audit --expect-head`) and signed checkpoints (`audit-checkpoint`)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection

from himoya.core import audit_head, events
from himoya.core.audit import GENESIS, audit_record, compute_hash
from himoya.core.models import AuditEvent

pytestmark = pytest.mark.django_db

for _code in ("test.head",):
    if events.get(_code) is None:
        events.register(_code, _code)


def verify(*args: str) -> str:
    out = StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def checkpoint(*args: str) -> str:
    out = StringIO()
    call_command("audit_checkpoint", *args, stdout=out)
    return out.getvalue()


def as_superuser_without_triggers(sql: str, params: list[Any] | None = None) -> None:
    """What someone with the owner's or a superuser's rights can do to the table."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
        cursor.execute(sql, params or [])
        cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER USER")


@pytest.fixture
def chain() -> list[AuditEvent]:
    return [audit_record(actor="cli:test", action="test.head", data={"n": i}) for i in range(4)]


def head_of(event: AuditEvent) -> str:
    return f"{event.seq}:{event.hash}"


def test_the_recorded_head_is_found(chain: list[AuditEvent]) -> None:
    out = verify("--expect-head", head_of(chain[2]))
    assert "the chain contains every recorded head" in out
    assert "the chain contains every recorded head" in verify("--expect-head", chain[-1].hash)
    assert f"({head_of(chain[-1])})" in verify()


def test_a_cut_tail_fails_against_the_recorded_head(chain: list[AuditEvent]) -> None:
    recorded = head_of(chain[-1])
    as_superuser_without_triggers("DELETE FROM core_auditevent WHERE seq >= %s", [chain[2].seq])
    assert "audit chain intact" in verify()  # the inside view sees nothing wrong
    with pytest.raises(CommandError, match=rf"ends at event #{chain[1].seq}, but head #"):
        verify("--expect-head", recorded)
    with pytest.raises(CommandError, match="no event has the recorded head hash"):
        verify("--expect-head", chain[-1].hash)


def test_an_emptied_log_fails_against_the_recorded_head(chain: list[AuditEvent]) -> None:
    recorded = head_of(chain[-1])
    as_superuser_without_triggers("DELETE FROM core_auditevent")
    assert "audit chain is empty" in verify()
    with pytest.raises(CommandError, match="the chain is empty, but head .* was recorded"):
        verify("--expect-head", recorded)


def test_a_rewritten_chain_fails_against_the_recorded_head(chain: list[AuditEvent]) -> None:
    recorded = head_of(chain[2])
    prev = GENESIS
    for event in AuditEvent.objects.order_by("seq"):
        if event.seq == chain[1].seq:
            event.data = {"n": "forged"}
        event.prev_hash, event.hash = prev, ""
        event.hash = prev = compute_hash(event)
        as_superuser_without_triggers(
            "UPDATE core_auditevent SET data = %s::jsonb, prev_hash = %s, hash = %s WHERE seq = %s",
            [json.dumps(event.data), event.prev_hash, event.hash, event.seq],
        )
    assert "audit chain intact" in verify()
    with pytest.raises(CommandError, match=rf"event #{chain[2].seq} has hash .* was recorded"):
        verify("--expect-head", recorded)


@pytest.mark.parametrize("text", ["", "12", "5:xyz", "abc" * 30, "-1:" + "a" * 64])
def test_a_malformed_head_is_refused(chain: list[AuditEvent], text: str) -> None:
    with pytest.raises(CommandError, match="not an audit head"):
        verify(f"--expect-head={text}")


# ---------------------------------------------------------------- signed checkpoints


def test_checkpoint_to_a_file_verifies_and_is_audited(
    chain: list[AuditEvent], tmp_path: Path
) -> None:
    target = tmp_path / "heads.jsonl"
    assert "sent to file" in checkpoint("--to", f"file:{target}")
    assert target.stat().st_mode & 0o777 == 0o600
    written = json.loads(target.read_text())
    assert (written["seq"], written["hash"]) == (chain[-1].seq, chain[-1].hash)
    assert set(written) == {"instance", "seq", "hash", "at", "key", "signature"}
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None and event.action == "audit.checkpoint"
    assert event.data == {"seq": chain[-1].seq, "hash": chain[-1].hash, "to": "file"}
    checkpoint("--to", f"file:{target}")  # a second line, the head after the event
    assert len(target.read_text().splitlines()) == 2
    public = checkpoint("--public-key").strip()
    assert "every recorded head" in verify("--checkpoint", str(target), "--public-key", public)
    # The tail since the first checkpoint is cut: the second one catches it.
    as_superuser_without_triggers("DELETE FROM core_auditevent WHERE seq > %s", [chain[-1].seq])
    with pytest.raises(CommandError, match="removed from the end"):
        verify("--checkpoint", str(target))


def test_an_altered_checkpoint_fails_its_signature(chain: list[AuditEvent], tmp_path: Path) -> None:
    target = tmp_path / "heads.jsonl"
    checkpoint("--to", f"file:{target}")
    forged = json.loads(target.read_text())
    forged["seq"], forged["hash"] = chain[0].seq, chain[0].hash
    target.write_text(json.dumps(forged) + "\n")
    with pytest.raises(CommandError, match="signature of checkpoint .* does not hold"):
        verify("--checkpoint", str(target))
    other = audit_head.public_key_text(
        audit_head.Ed25519PrivateKey.from_private_bytes(b"k" * 32).public_key()
    )
    target.unlink()
    checkpoint("--to", f"file:{target}")
    with pytest.raises(CommandError, match="does not hold under this public key"):
        verify("--checkpoint", str(target), "--public-key", other)


def test_checkpoint_by_email(chain: list[AuditEvent]) -> None:
    checkpoint("--to", "mailto:auditor@example.org")
    (message,) = mail.outbox
    assert message.to == ["auditor@example.org"]
    assert json.loads(message.body)["hash"] == chain[-1].hash


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[bytes]]]:
    received: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            received.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/heads", received
    finally:
        server.shutdown()
        server.server_close()


def test_checkpoint_posted_to_an_endpoint(
    chain: list[AuditEvent], receiver: tuple[str, list[bytes]]
) -> None:
    url, received = receiver
    assert "sent to http" in checkpoint("--to", url)
    (body,) = received
    posted = json.loads(body)
    assert posted["hash"] == chain[-1].hash
    key = audit_head.signing_key().public_key()
    assert audit_head.checkpoint_head(posted, key).seq == chain[-1].seq


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("http://heads.example.org/in", "over https://"),
        ("ftp://heads.example.org/", "unknown checkpoint target"),
        ("mailto:nobody", "unknown checkpoint target"),
        ("https:///path", "no host"),
    ],
)
def test_unsafe_or_unknown_targets_are_refused(
    chain: list[AuditEvent], target: str, message: str
) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(CommandError, match=message):
        checkpoint("--to", target)
    assert AuditEvent.objects.count() == before


def test_an_unreachable_endpoint_fails_loudly(chain: list[AuditEvent]) -> None:
    with pytest.raises(CommandError, match="checkpoint not sent: http"):
        checkpoint("--to", "http://127.0.0.1:9/heads")  # the discard port: refused


def test_an_empty_chain_is_not_signed() -> None:
    if AuditEvent.objects.exists():
        pytest.skip("the chain is not empty in this database")
    with pytest.raises(CommandError, match="empty"):
        checkpoint("--to", "mailto:auditor@example.org")
