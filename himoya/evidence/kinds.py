"""What kind of file an evidence item is, from its bytes alone.

``core.uploads.sniff`` knows the kinds the project takes anywhere; evidence also keeps
what it must never render: SVG and HTML (they run script in a browser) and archives
(they can hide anything and unpack to any size). Those are stored and offered for
download only, under a type no browser renders.
"""

from __future__ import annotations

import zipfile
from typing import IO

from himoya.core import uploads
from himoya.core.uploads import FileKind

SVG = FileKind("image/svg+xml", "svg")
HTML = FileKind("text/html", "html")
ZIP = FileKind("application/zip", "zip")
GZIP = FileKind("application/gzip", "gz")
SEVEN_Z = FileKind("application/x-7z-compressed", "7z")
RAR = FileKind("application/vnd.rar", "rar")

IMAGES = frozenset(
    {uploads.JPEG, uploads.PNG, uploads.WEBP, uploads.HEIC, uploads.HEIF, uploads.GIF,
     uploads.TIFF, uploads.AVIF}
)  # fmt: skip
AUDIO = frozenset({uploads.MP3, uploads.M4A, uploads.OGG, uploads.WAV, uploads.FLAC, uploads.AMR})
VIDEO = frozenset(
    {uploads.MP4, uploads.MOV, uploads.THREE_GP, uploads.WEBM, uploads.MKV, uploads.OGV,
     uploads.AVI}
)  # fmt: skip
DOCUMENTS = frozenset(
    {uploads.PDF, uploads.DOCX, uploads.XLSX, uploads.PPTX, uploads.ODT, uploads.ODS,
     uploads.ODP, uploads.DOC, uploads.XLS, uploads.PPT, uploads.TEXT}
)  # fmt: skip
# Kept, never rendered, unpacked or served inline.
INERT = frozenset({SVG, HTML, ZIP, GZIP, SEVEN_Z, RAR})
ACCEPTED = IMAGES | AUDIO | VIDEO | DOCUMENTS | INERT

# Served as they are only where a browser cannot be made to run them.
SAFE_DOWNLOAD_TYPE = "application/octet-stream"

_ARCHIVE_MAGIC = (
    (b"\x1f\x8b", GZIP),
    (b"7z\xbc\xaf\x27\x1c", SEVEN_Z),
    (b"Rar!\x1a\x07", RAR),
)
_MARKUP_HEAD = 4096


def family(kind: FileKind) -> str:
    if kind in IMAGES:
        return "image"
    if kind == uploads.PDF:
        return "pdf"
    if kind in AUDIO:
        return "audio"
    if kind in VIDEO:
        return "video"
    if kind in INERT:
        return "inert"
    return "document"


def sniff(stream: IO[bytes]) -> FileKind | None:
    """The kind of an evidence file from its bytes (seekable stream, left at the start)."""
    kind = uploads.sniff(stream)
    stream.seek(0)
    head = stream.read(_MARKUP_HEAD)
    stream.seek(0)
    if kind == uploads.TEXT or kind is None:
        markup = _markup(head)
        if markup is not None:
            return markup
    if kind is not None:
        return kind
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return ZIP if _is_zip(stream) else None
    for magic, archive in _ARCHIVE_MAGIC:
        if head.startswith(magic):
            return archive
    return None


def _markup(head: bytes) -> FileKind | None:
    # A UTF-8 byte-order mark, white space and XML prologue may come first.
    text = head.lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script")):
        return HTML
    if text.startswith((b"<?xml", b"<svg", b"<!doctype svg", b"<!--")) and b"<svg" in text:
        return SVG
    return None


def _is_zip(stream: IO[bytes]) -> bool:
    try:
        with zipfile.ZipFile(stream):  # the central directory only; nothing is extracted
            return True
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return False
    finally:
        stream.seek(0)


def served_type(content_type: str) -> str:
    """The Content-Type an original is downloaded under: its own, except for what a
    browser would run or unpack."""
    return SAFE_DOWNLOAD_TYPE if content_type in {k.content_type for k in INERT} else content_type
