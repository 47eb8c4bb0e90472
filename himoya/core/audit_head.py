"""The audit chain's head kept off the host: expected heads and signed checkpoints.

A chain verifies from the inside only as far as it goes: someone able to bypass the
triggers can cut the newest events, or empty the table, or rewrite the chain and recompute
every hash, and what is left still verifies. What catches them is a head recorded
elsewhere before the change. ``check_head`` compares the chain with such a head;
``checkpoint_make`` signs the current head (Ed25519) so that a copy pushed off the host
(``checkpoint_push``: a file, an e-mail address, an HTTPS endpoint) can be checked later by
anyone holding only the public key, who therefore cannot forge one.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import ipaddress
import json
import os
import re
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.mail import send_mail

from himoya.core.audit import ChainReport, verify_chain
from himoya.core.models import AuditEvent

_HEAD = re.compile(r"(?:(?P<seq>[0-9]{1,18}):)?(?P<hash>[0-9a-f]{64})\Z")
_SIGNED = ("instance", "seq", "hash", "at", "key")
PUSH_TIMEOUT = 20


class HeadError(ValueError):
    """An expected head or a checkpoint that cannot be read."""


@dataclass(frozen=True)
class Head:
    """A head recorded elsewhere: the hash of an event, with its number when known."""

    hash: str
    seq: int | None = None

    @classmethod
    def parse(cls, text: str) -> Head:
        found = _HEAD.match(text.strip().lower())
        if found is None:
            raise HeadError(f"not an audit head: {text.strip()[:80]!r} (expected SEQ:HASH or HASH)")
        seq = found.group("seq")
        return cls(hash=found.group("hash"), seq=int(seq) if seq else None)

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}" if self.seq is not None else self.hash


def check_head(report: ChainReport, head: Head) -> str:
    """Why an intact chain does not contain ``head`` ("" when it does). Within an intact
    chain an event with the recorded hash at the recorded place proves that everything up
    to it is what it was when the head was recorded."""
    if report.head_seq is None:
        return f"the chain is empty, but head {head} was recorded: the audit log was wiped"
    if head.seq is None:
        seq = AuditEvent.objects.filter(hash=head.hash).values_list("seq", flat=True).first()
        if seq is None:
            return (
                f"no event has the recorded head hash {head.hash}: events were removed "
                "from the end, or the chain was rewritten"
            )
        return ""
    if report.head_seq < head.seq:
        return (
            f"the chain ends at event #{report.head_seq}, but head #{head.seq} was recorded: "
            f"{head.seq - report.head_seq} event(s) were removed from the end"
        )
    stored = AuditEvent.objects.filter(seq=head.seq).values_list("hash", flat=True).first()
    if stored != head.hash:
        return (
            f"event #{head.seq} has hash {stored}, but {head.hash} was recorded: "
            "the chain was rewritten up to that event"
        )
    return ""


# --- signed checkpoints -------------------------------------------------------------


def signing_key() -> Ed25519PrivateKey:
    """``HIMOYA_CHECKPOINT_KEY`` (a base64 Ed25519 seed of 32 bytes) or, without it, a key
    derived from the secret key, so that an instance signs checkpoints with nothing more
    to configure. A dedicated key survives a change of the secret key."""
    dedicated = getattr(settings, "HIMOYA_CHECKPOINT_KEY", "")
    if dedicated:
        try:
            seed = base64.urlsafe_b64decode(dedicated + "=" * (-len(dedicated) % 4))
        except ValueError as exc:
            raise HeadError("HIMOYA_CHECKPOINT_KEY is not base64") from exc
        if len(seed) != 32:
            raise HeadError("HIMOYA_CHECKPOINT_KEY must be 32 bytes (base64)")
    else:
        seed = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"himoya audit checkpoint v1"
        ).derive(settings.SECRET_KEY.encode())
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key_text(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def load_public_key(text: str) -> Ed25519PublicKey:
    try:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(text.strip(), validate=True))
    except ValueError as exc:
        raise HeadError("not an Ed25519 public key (32 bytes, base64)") from exc


def _key_id(key: Ed25519PublicKey) -> str:
    return hashlib.sha256(public_key_text(key).encode()).hexdigest()[:16]


def _signed_bytes(checkpoint: dict[str, Any]) -> bytes:
    body = {name: checkpoint[name] for name in _SIGNED}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def checkpoint_make(report: ChainReport) -> dict[str, Any]:
    """The signed head of an intact, non-empty chain."""
    if not report.ok or report.head_seq is None or report.head_hash is None:
        raise HeadError("only the head of an intact, non-empty chain is signed")
    key = signing_key()
    checkpoint: dict[str, Any] = {
        "instance": settings.HIMOYA_INSTANCE,
        "seq": report.head_seq,
        "hash": report.head_hash,
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "key": _key_id(key.public_key()),
    }
    checkpoint["signature"] = base64.b64encode(key.sign(_signed_bytes(checkpoint))).decode()
    return checkpoint


def checkpoint_head(checkpoint: dict[str, Any], public_key: Ed25519PublicKey) -> Head:
    """The head a checkpoint records, once its signature holds under ``public_key``."""
    try:
        signature = base64.b64decode(str(checkpoint["signature"]), validate=True)
        public_key.verify(signature, _signed_bytes(checkpoint))
        return Head(hash=str(checkpoint["hash"]), seq=int(checkpoint["seq"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise HeadError(f"the checkpoint is incomplete or malformed ({exc})") from exc
    except InvalidSignature:
        raise HeadError(
            f"the signature of checkpoint #{checkpoint.get('seq')} does not hold "
            "under this public key: it was altered or signed by another key"
        ) from None


def checkpoints_read(path: Path) -> list[dict[str, Any]]:
    """The checkpoints in a file: one JSON object per line (what ``file:`` appends)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise HeadError(f"cannot read {path}: {exc.strerror}") from exc
    found = []
    for number, line in enumerate(lines, 1):
        if line.strip():
            try:
                found.append(json.loads(line))
            except json.JSONDecodeError:
                raise HeadError(f"{path}, line {number}: not a JSON checkpoint") from None
    if not found:
        raise HeadError(f"{path} holds no checkpoint")
    return found


def checkpoints_check(
    checkpoints: Iterable[dict[str, Any]], public_key: Ed25519PublicKey
) -> tuple[ChainReport, str]:
    """Verifies the chain, then every checkpoint's signature and head against it; the
    report and the first problem ("" when none)."""
    heads = [checkpoint_head(c, public_key) for c in checkpoints]
    report = verify_chain()
    if not report.ok:
        return report, f"audit chain broken at event #{report.broken_seq}: {report.reason}"
    for head in heads:
        problem = check_head(report, head)
        if problem:
            return report, problem
    return report, ""


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def target_check(target: str) -> str:
    """``target`` if it is a place checkpoints can go, else raises ``HeadError``. Plain
    http:// only to this machine: a head sent in clear can be swapped on the way."""
    scheme, _, rest = target.partition(":")
    if scheme == "file" and rest:
        return target
    if scheme == "mailto" and "@" in rest:
        return target
    if scheme in {"https", "http"}:
        host = urllib.parse.urlsplit(target).hostname or ""
        if not host:
            raise HeadError(f"no host in {target!r}")
        if scheme == "http" and not _loopback(host):
            raise HeadError("checkpoints go over https:// (plain http:// only to this machine)")
        return target
    raise HeadError(
        f"unknown checkpoint target {target!r}: use file:PATH, mailto:ADDR, https://URL"
    )


def checkpoint_push(checkpoint: dict[str, Any], target: str) -> None:
    """Sends one checkpoint to ``target`` (``file:PATH`` appends a line to a file created
    0600; ``mailto:ADDR`` e-mails it; ``https://URL`` POSTs it as JSON)."""
    target_check(target)
    line = json.dumps(checkpoint, sort_keys=True, separators=(",", ":"))
    scheme, _, rest = target.partition(":")
    if scheme == "file":
        fd = os.open(rest, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as out:
            out.write(line + "\n")
            out.flush()
            os.fsync(out.fileno())
    elif scheme == "mailto":
        subject = f"[Himoya] audit checkpoint {checkpoint['instance']} #{checkpoint['seq']}"
        send_mail(subject, line + "\n", None, [rest], fail_silently=False)
    else:
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            target,
            data=line.encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=PUSH_TIMEOUT) as response:  # noqa: S310
            if not 200 <= response.status < 300:
                raise HeadError(f"{target} answered {response.status}")
