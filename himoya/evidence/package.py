"""The evidence package for a prosecutor, a court or a UN body: one ZIP holding the
chosen files (originals or working copies), ``manifest.json``, ``SHA256SUMS`` (checked
with ``sha256sum -c SHA256SUMS`` in the unzipped folder), the items' chain of custody as
``custody.csv``, optionally the medical evaluation report as PDF, and a ``README.txt``
saying how to check it, in the language chosen for the recipient.

How it is made without a plaintext copy on disk. The package's own SHA-256 is on the
audit chain, written in the same transaction as the consent check and the custody
entries, so it is known before a byte leaves. It is computed by building the ZIP once
into a hash (``_Sink``, nothing kept), inside that transaction; the response then builds
the same ZIP again, byte for byte (fixed times and order; ZIP_STORED for the evidence, so
the bytes are the files' bytes; zipfile writes to a non-seekable stream with data
descriptors), hashing as it streams. The last piece (the central directory, without
which no unzip tool opens the archive) is sent only when the second hash equals the
logged one, so a package that differs from what was logged never arrives whole. Each
file is read through the storage's decrypting reader, one 64 KiB segment at a time, and
its plaintext hash is compared with the one recorded on receipt in the first build: a
changed original refuses the package before anything is logged or sent.
The price is decrypting the files twice; the other choice the design allowed, a 0600
temporary file deleted after the response, would put the evidence in plaintext on a disk
(recoverable from its blocks after deletion) for as long as the download lasts.

The package is not stored: it can be made again, and each making is its own audit event.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from himoya.cases.models import Case
from himoya.cases.services.common import user_of
from himoya.core.events import label as event_label
from himoya.core.events import record_event
from himoya.core.policies import require
from himoya.core.storage import CHUNK
from himoya.documentation import report
from himoya.documentation.models import ConsentKind, Evaluation
from himoya.documentation.services import ConsentMissing, require_consent
from himoya.evidence import files
from himoya.evidence.models import CopyKind, EvidenceItem, WorkingCopy
from himoya.evidence.selectors import custody_history
from himoya.evidence.services import Purpose, copy_binding, item_aad
from himoya.reference.models import Partner

FORMAT = "himoya-evidence-package/1"
LANGUAGES = report.LANGUAGES
# What a package is for: the purposes of handing files to someone outside.
PURPOSES = ("prosecutor", "court", "un_body", "ombudsman", "legal", "other")
READ = CHUNK * 4


class PackageChanged(Exception):
    """The second build of a package differs from the first (the one logged)."""


@dataclass(frozen=True)
class Recipient:
    """A partner organisation named by the sharing consent, or a body the consent names
    in words (``body``)."""

    partner: Partner | None = None
    body: str = ""

    def __str__(self) -> str:
        return str(self.partner) if self.partner is not None else self.body


@dataclass
class Entry:
    """One file of the ZIP: its path, size and SHA-256, and how to read its bytes."""

    path: str
    size: int
    sha256: str
    read: Callable[[], Iterator[bytes]]
    stored: bool = True


@dataclass
class Package:
    """A package made and logged; ``stream()`` builds it again for the response."""

    filename: str
    sha256: str
    size: int
    stamp: tuple[int, int, int, int, int, int]
    entries: list[Entry] = field(default_factory=list)

    def stream(self) -> Iterator[bytes]:
        digest = hashlib.sha256()
        held = b""
        for piece in _build(self.entries, self.stamp):
            if held:
                yield held
            digest.update(piece)
            held = piece
        if digest.hexdigest() != self.sha256:
            raise PackageChanged(f"package {self.sha256[:16]} came out different")
        yield held


class _Sink:
    """What zipfile writes to: keeps the bytes until taken. It has no ``tell`` or
    ``seek``, so zipfile writes sizes after each file (data descriptors)."""

    def __init__(self) -> None:
        self._pieces: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._pieces.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        out = b"".join(self._pieces)
        self._pieces.clear()
        return out


def _build(entries: Sequence[Entry], stamp: tuple[int, int, int, int, int, int]) -> Iterator[bytes]:
    sink = _Sink()
    with zipfile.ZipFile(sink, "w") as archive:
        for entry in entries:
            info = zipfile.ZipInfo(entry.path, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if entry.stored else zipfile.ZIP_DEFLATED
            info.file_size = entry.size
            info.external_attr = 0o644 << 16
            with archive.open(info, "w") as out:
                for piece in entry.read():
                    out.write(piece)
                    if data := sink.take():
                        yield data
            if data := sink.take():
                yield data
    if data := sink.take():
        yield data


def _stored_reader(name: str, aad: bytes, sha256: str, label: str) -> Callable[[], Iterator[bytes]]:
    def read() -> Iterator[bytes]:
        digest = hashlib.sha256()
        with files.open_plain(name, aad, verify=False) as plain:
            while piece := plain.read(READ):
                digest.update(piece)
                yield piece
        if digest.hexdigest() != sha256:
            raise ValidationError(
                _(
                    "The stored file of %(item)s does not match its recorded SHA-256; "
                    "it was not put in a package. Run verify-evidence."
                )
                % {"item": label},
                code="evidence_changed",
            )

    return read


def _text(path: str, content: bytes) -> Entry:
    return Entry(
        path=path,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        read=lambda: iter((content,)),
        stored=False,
    )


def _file_entry(chosen: EvidenceItem | WorkingCopy) -> tuple[EvidenceItem, Entry, str]:
    if isinstance(chosen, WorkingCopy):
        item = chosen.item
        what = str(chosen.kind)
        path = f"evidence/{item.label}-{chosen.kind}-{chosen.pk}.{chosen.extension}"
        name, aad = chosen.stored_name, copy_binding(chosen)
    else:
        item = chosen
        what = "original"
        path = f"evidence/{item.label}-original.{item.extension}"
        name, aad = item.stored_name, item_aad(item)
    reader = _stored_reader(name, aad, chosen.sha256, item.label)
    return item, Entry(path=path, size=chosen.size, sha256=chosen.sha256, read=reader), what


def _check(
    case: Case, chosen: Sequence[EvidenceItem | WorkingCopy], recipient: Recipient, purpose: str,
    language: str, evaluation: Evaluation | None,
) -> None:  # fmt: skip
    errors: dict[str, str] = {}
    if not chosen:
        errors["contents"] = _("Choose the files to put in the package.")
    for thing in chosen:
        item = thing.item if isinstance(thing, WorkingCopy) else thing
        if item.case_id != case.pk or (
            isinstance(thing, WorkingCopy) and thing.kind == CopyKind.THUMBNAIL
        ):
            errors["contents"] = _("Choose files of this case's evidence.")
    partner = recipient.partner
    if (partner is None) == (not recipient.body.strip()) or (
        partner is not None and partner.organisation_id != case.organisation_id
    ):
        errors["recipient"] = _("Choose the recipient the sharing consent names.")
    if purpose not in PURPOSES:
        errors["purpose"] = _("Choose why the package is made.")
    if language not in LANGUAGES:
        errors["language"] = _("Choose the language of the package.")
    if evaluation is not None and evaluation.case_id != case.pk:
        errors["evaluation"] = _("Choose an evaluation of this case.")
    if errors:
        raise ValidationError(errors)


def _words(text: str) -> str:
    return " ".join(text.casefold().split())


def _require_sharing(case: Case, recipient: Recipient) -> None:
    """Every victim's sharing consent must name the recipient: the partner itself, or,
    for a body named in words, a consent whose words name it."""
    if recipient.partner is not None:
        require_consent(case, ConsentKind.SHARING, partner=recipient.partner)
        return
    found = require_consent(case, ConsentKind.SHARING)
    wanted = _words(recipient.body)
    people = {c.person_id for c in found}
    for person_id in people:
        if not any(
            c.person_id == person_id and wanted and wanted in _words(c.recipients) for c in found
        ):
            raise ConsentMissing(ConsentKind.SHARING, partner=recipient.body.strip())


def evidence_package(
    *,
    actor: Any,
    case: Case,
    chosen: Sequence[EvidenceItem | WorkingCopy],
    recipient: Recipient,
    purpose: str,
    language: str,
    evaluation: Evaluation | None = None,
) -> Package:
    """Makes the package of ``chosen`` for ``recipient`` in ``language`` and logs it:
    the sharing consent is checked (and held) in the transaction, every file put in is a
    custody entry (``evidence.share`` with the purpose), and the package is one
    ``evidence.package`` event with its SHA-256 and size. Nothing is stored."""
    require(actor, "evidence.share", case)
    if evaluation is not None:
        require(actor, "documentation.evaluation.view", case)
    _check(case, chosen, recipient, purpose, language, evaluation)
    now = timezone.now().replace(microsecond=0)
    with transaction.atomic():
        _require_sharing(case, recipient)
        picked = [_file_entry(thing) for thing in chosen]
        for item, _entry, what in picked:
            record_event(
                actor=actor,
                action="evidence.share",
                obj=item,
                organisation=case.organisation,
                data={
                    "case": case.pk,
                    "item": item.pk,
                    "what": what,
                    "purpose": purpose,
                    "partner": recipient.partner.pk if recipient.partner else None,
                },
            )
        with translation.override(language):
            entries = _entries(actor, case, picked, recipient, purpose, language, evaluation, now)
        stamp = _stamp(now)
        digest, size = hashlib.sha256(), 0
        for piece in _build(entries, stamp):
            digest.update(piece)
            size += len(piece)
        package = Package(
            filename=f"{_safe(case.number)}-evidence-{now:%Y%m%d-%H%M%S}.zip",
            sha256=digest.hexdigest(),
            size=size,
            stamp=stamp,
            entries=entries,
        )
        record_event(
            actor=actor,
            action="evidence.package",
            obj=case,
            organisation=case.organisation,
            case=case,
            data={
                "case": case.pk,
                "items": sorted({item.pk for item, _e, _w in picked}),
                "files": len(picked),
                "sha256": package.sha256,
                "size": size,
                "language": language,
                "purpose": purpose,
                "partner": recipient.partner.pk if recipient.partner else None,
                "evaluation": evaluation.pk if evaluation else None,
            },
        )
    return package


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "case"


def _stamp(now: dt.datetime) -> tuple[int, int, int, int, int, int]:
    utc = now.astimezone(dt.UTC)
    return (utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second)


def _iso(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value else ""


def _entries(
    actor: Any, case: Case, picked: list[tuple[EvidenceItem, Entry, str]], recipient: Recipient,
    purpose: str, language: str, evaluation: Evaluation | None, now: dt.datetime,
) -> list[Entry]:  # fmt: skip
    """The package's files, in the order they are zipped (under the package language)."""
    entries = [entry for _item, entry, _what in picked]
    if evaluation is not None:
        entries.append(_report_entry(actor, evaluation, language))
    entries.append(_text("custody.csv", _custody_csv([item for item, _e, _w in picked])))
    manifest = _manifest(actor, case, picked, recipient, purpose, language, now, entries)
    entries.append(_text("manifest.json", manifest))
    entries.append(_text("README.txt", _readme(case, recipient, now)))
    sums = "".join(f"{e.sha256}  {e.path}\n" for e in entries)
    entries.append(_text("SHA256SUMS", sums.encode("ascii")))
    return entries


def _report_entry(actor: Any, evaluation: Evaluation, language: str) -> Entry:
    made = report.evaluation_report(
        actor=actor, evaluation=evaluation, format="pdf", language=language
    )
    content = made.content
    entry = _text(f"report/{made.filename}", content)
    entry.stored = True  # a PDF is compressed already
    return entry


def _manifest(
    actor: Any, case: Case, picked: list[tuple[EvidenceItem, Entry, str]], recipient: Recipient,
    purpose: str, language: str, now: dt.datetime, entries: list[Entry],
) -> bytes:  # fmt: skip
    maker = user_of(actor)
    items = [
        {
            "item": item.label,
            "file": entry.path,
            "what": what,
            "sha256": entry.sha256,
            "size": entry.size,
            "content_type": item.content_type,
            "original_sha256": item.sha256,
            "original_size": item.size,
            "captured_when": item.captured_when,
            "received_at": _iso(item.received_at),
            "received_by": str(item.received_by) if item.received_by_id else "",
        }
        for item, entry, what in picked
    ]
    others = [
        {"file": e.path, "sha256": e.sha256, "size": e.size}
        for e in entries
        if not e.path.startswith("evidence/")
    ]
    document = {
        "format": FORMAT,
        "case": case.number,
        "language": language,
        "created_at": _iso(now),
        "created_by": str(maker) if maker is not None else str(actor),
        "organisation": str(case.organisation),
        "recipient": str(recipient),
        "purpose": purpose,
        "purpose_label": str(dict(Purpose.CHOICES)[purpose]),
        "items": items,
        "files": others,
        "checksums": "SHA256SUMS",
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _custody_csv(items: list[EvidenceItem]) -> bytes:
    """Each item's custody entries, oldest first, with each audit event's sequence
    number and hash (they can be checked against the organisation's audit chain)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [_("Item"), _("Time (UTC)"), _("Entry"), _("Who"), _("What"), _("Purpose"),
         _("Audit event"), _("Event hash")]
    )  # fmt: skip
    purposes = dict(Purpose.CHOICES)
    seen: set[int] = set()
    for item in items:
        if item.pk in seen:
            continue
        seen.add(item.pk)
        for event in custody_history(item):
            who = str(event.actor) if event.actor_id else event.actor_label
            purpose = event.data.get("purpose", "")
            writer.writerow(
                [item.label, _iso(event.created_at), event_label(event.action), who,
                 event.data.get("what", ""), str(purposes.get(purpose, purpose)),
                 event.seq, event.hash]
            )  # fmt: skip
    # With a byte-order mark, spreadsheet programs read the Cyrillic right.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _readme(case: Case, recipient: Recipient, now: dt.datetime) -> bytes:
    lines = [
        _("Evidence package of case %(number)s") % {"number": case.number},
        _("Prepared for: %(recipient)s") % {"recipient": recipient},
        _("Made on %(when)s (UTC) by Himoya.") % {"when": _iso(now)},
        "",
        _(
            "manifest.json lists every file with its SHA-256 and size, and for each "
            "evidence item when it was captured (as told), when and by whom it was received."
        ),
        _("custody.csv is the chain of custody of each item: who did what with it, when and why."),
        _(
            "To check that no file was changed: unzip the package, open a terminal in its "
            "folder and run: sha256sum -c SHA256SUMS (every line must end in OK)."
        ),
        "",
    ]
    return "\r\n".join(lines).encode("utf-8")
