"""Fictional evidence files made on the spot (no binary fixtures, no real people)."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

SIGNATURES = (
    b"\xff\xd8\xff",
    b"\x89PNG",
    b"%PDF",
    b"RIFF",
    b"GIF8",
    b"PK\x03\x04",
    b"<svg",
    b"<html",
    b"ID3",
)


def photo(*, width: int = 64, height: int = 48, gps: bool = True) -> bytes:
    """A JPEG with camera and GPS data in its EXIF, as a phone would write it."""
    image = Image.new("RGB", (width, height), (180, 90, 60))
    exif = Image.Exif()
    exif[0x010F] = "FictionalCam"  # Make
    exif[0x0110] = "Model-X"  # Model
    if gps:
        exif[0x8825] = {1: "N", 2: (43.0, 15.0, 0.0), 3: "E", 4: (76.0, 57.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_bomb(width: int = 60_000, height: int = 60_000) -> bytes:
    """A PNG header claiming billions of pixels, with almost no data behind it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def pdf() -> bytes:
    image = Image.new("RGB", (200, 280), (250, 250, 250))
    out = io.BytesIO()
    image.save(out, format="PDF")
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> Any:
    return SimpleUploadedFile(name, data, content_type=content_type)


def media_files(root: Path) -> list[Path]:
    base = root / "evidence"
    return sorted(p for p in base.rglob("*") if p.is_file()) if base.exists() else []
