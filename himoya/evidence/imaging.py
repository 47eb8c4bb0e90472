"""Pictures made from evidence: working copies without metadata, thumbnails, first-page
previews of PDFs, redactions. Every decode reads the header first and refuses a picture
whose pixel count is over ``MAX_PIXELS`` before a pixel is decoded, so an image bomb (a
small file that decodes to gigabytes) costs nothing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pillow_heif
from PIL import Image, ImageDraw, ImageOps, UnidentifiedImageError

pillow_heif.register_heif_opener()

# 100 megapixels: a 108 MP phone photograph is still taken, a decompression bomb is not.
MAX_PIXELS = 120_000_000
# Pillow refuses at twice its own limit by itself; ours comes first and says why.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
THUMBNAIL = (320, 320)
CLEAN_QUALITY = 90


class TooManyPixels(Exception):
    def __init__(self, width: int, height: int) -> None:
        super().__init__(f"{width}x{height} pixels is over {MAX_PIXELS}")
        self.width, self.height = width, height


class Unreadable(Exception):
    """The bytes do not open as the picture (or document) their signature promised."""


@dataclass(frozen=True)
class Picture:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


def probe(stream: Any) -> tuple[int, int]:
    """The dimensions from the header alone; TooManyPixels or Unreadable."""
    try:
        with Image.open(stream) as image:
            width, height = image.size
    except Image.DecompressionBombError as exc:
        raise TooManyPixels(0, 0) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise Unreadable(str(exc)) from None
    finally:
        stream.seek(0)
    if width * height > MAX_PIXELS:
        raise TooManyPixels(width, height)
    if width <= 0 or height <= 0:
        raise Unreadable("no pixels")
    return width, height


def _decoded(stream: Any) -> Image.Image:
    probe(stream)
    try:
        image = Image.open(stream)
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise Unreadable(str(exc)) from None
    # The orientation tag is metadata too: apply it, so the clean copy stands upright.
    return ImageOps.exif_transpose(image) or image


def _encode(image: Image.Image, *, kind: str = "jpeg") -> Picture:
    """A fresh file from pixels alone: no EXIF, GPS, XMP, ICC or comments carried over."""
    pixels = image.convert("RGB") if kind == "jpeg" else image.convert("RGBA")
    out = io.BytesIO()
    if kind == "jpeg":
        pixels.save(out, format="JPEG", quality=CLEAN_QUALITY, optimize=True)
        ctype, ext = "image/jpeg", "jpg"
    else:
        pixels.save(out, format="PNG", optimize=True)
        ctype, ext = "image/png", "png"
    return Picture(out.getvalue(), ctype, ext, pixels.width, pixels.height)


def clean_and_thumbnail(stream: Any) -> tuple[Picture, Picture]:
    image = _decoded(stream)
    clean = _encode(image)
    small = image.copy()
    small.thumbnail(THUMBNAIL)
    return clean, _encode(small)


def redact(stream: Any, regions: list[tuple[int, int, int, int]]) -> Picture:
    """The picture with each rectangle (x, y, width, height) painted black."""
    image = _decoded(stream).convert("RGB")
    draw = ImageDraw.Draw(image)
    for x, y, w, h in regions:
        draw.rectangle((x, y, x + w - 1, y + h - 1), fill=(0, 0, 0))
    return _encode(image)


def pdf_preview(stream: Any) -> tuple[Picture, Picture]:
    """The first page rendered (pdfium reads only what that page needs)."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(stream)
        try:
            if len(document) == 0:
                raise Unreadable("no pages")
            page = document[0]
            width, height = page.get_size()
            # About 1200 pixels on the long side, whatever the page's nominal size.
            scale = min(1200 / max(width, height, 1), 4.0)
            if width * height * scale * scale > MAX_PIXELS:
                raise TooManyPixels(int(width * scale), int(height * scale))
            image = page.render(scale=scale).to_pil()
        finally:
            document.close()
    except pypdfium2.PdfiumError as exc:
        raise Unreadable(str(exc)) from None
    preview = _encode(image)
    small = image.copy()
    small.thumbnail(THUMBNAIL)
    return preview, _encode(small)
