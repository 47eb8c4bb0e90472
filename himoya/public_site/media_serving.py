"""Serving lesson videos and captions with byte ranges (RFC 9110 section 14), which is
how a browser seeks: it asks for the part of the file at the time the viewer chose.

One range is answered 206 with its Content-Range; several (rare, and a way to make a
server send the same bytes many times over) are answered with the whole file, 200, as
the RFC allows a server to ignore Range; a range that starts past the end is 416.
``If-Range`` with the file's ETag (its SHA-256) or a date is honoured: a stale
validator gets the whole file, so a resumed download never mixes two versions.

A file is served only while a live lesson page shows its video: a video uploaded for a
draft is not public yet."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import IO

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import http_date, parse_http_date_safe
from django.views.decorators.http import require_safe

from himoya.public_site import video_checks
from himoya.public_site.lessons import LessonCaption, LessonPage, LessonVideo

CHUNK = 64 * 1024
# Public, but a replaced file gets a new ETag; an hour keeps repeated seeks off the server.
CACHE_CONTROL = "public, max-age=3600"
_RANGE = re.compile(r"^\s*(\d*)\s*-\s*(\d*)\s*$")


class Unsatisfiable(Exception):
    pass


def parse_range(header: str, size: int) -> list[tuple[int, int]] | None:
    """The byte ranges of a Range header as (first, last) inclusive, clipped to the file;
    None when the header is not a bytes range we understand (then it is ignored, as the
    RFC asks). Unsatisfiable when no range overlaps the file."""
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or not spec.strip():
        return None
    ranges = []
    for part in spec.split(","):
        match = _RANGE.match(part)
        if match is None:
            return None
        first, last = match.groups()
        if first == "" and last == "":
            return None
        if first == "":  # the last N bytes
            length = int(last)
            if length == 0:
                continue
            ranges.append((max(size - length, 0), size - 1))
            continue
        start = int(first)
        if last and int(last) < start:
            return None
        if start >= size:
            continue
        end = int(last) if last else size - 1
        ranges.append((start, min(end, size - 1)))
    if not ranges:
        raise Unsatisfiable
    return ranges


def _if_range_holds(request: HttpRequest, etag: str, modified: float | None) -> bool:
    validator = request.headers.get("If-Range")
    if validator is None:
        return True
    validator = validator.strip()
    if validator.startswith(('"', "W/")):
        # A weak ETag never matches for ranges (strong comparison).
        return validator == etag
    when = parse_http_date_safe(validator)
    return when is not None and modified is not None and int(modified) <= when


def _stream(handle: IO[bytes], start: int, length: int) -> Iterator[bytes]:
    try:
        handle.seek(start)
        remaining = length
        while remaining > 0:
            chunk = handle.read(min(CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        handle.close()


def serve_file(
    request: HttpRequest,
    field_file: object,
    *,
    content_type: str,
    etag: str,
    filename: str,
) -> HttpResponse | StreamingHttpResponse:
    storage = field_file.storage  # type: ignore[attr-defined]
    name = field_file.name  # type: ignore[attr-defined]
    if not name or not storage.exists(name):
        raise Http404
    size = storage.size(name)
    modified = storage.get_modified_time(name).timestamp()
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": etag,
        "Last-Modified": http_date(modified),
        "Cache-Control": CACHE_CONTROL,
        "X-Content-Type-Options": "nosniff",
    }
    if request.GET.get("download"):
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponse(status=304, headers=headers)

    start, length, status = 0, size, 200
    header = request.headers.get("Range")
    if header and _if_range_holds(request, etag, modified):
        try:
            ranges = parse_range(header, size)
        except Unsatisfiable:
            return HttpResponse(status=416, headers={**headers, "Content-Range": f"bytes */{size}"})
        if ranges is not None and len(ranges) == 1:
            (first, last), status = ranges[0], 206
            start, length = first, last - first + 1
            headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    headers["Content-Length"] = str(length)
    if request.method == "HEAD":
        return HttpResponse(status=status, content_type=content_type, headers=headers)
    response = StreamingHttpResponse(
        _stream(storage.open(name, "rb"), start, length),
        status=status,
        content_type=content_type,
        headers=headers,
    )
    return response


def _published(video_id: int) -> LessonVideo:
    if not LessonPage.objects.live().filter(video_id=video_id).exists():
        raise Http404
    return LessonVideo.objects.get(pk=video_id)


@require_safe
def video(request: HttpRequest, pk: int, extension: str) -> HttpResponse | StreamingHttpResponse:
    found = _published(pk)
    if video_checks.EXTENSIONS.get(found.content_type) != extension:
        raise Http404
    return serve_file(
        request,
        found.file,
        content_type=found.content_type,
        etag=f'"{found.sha256}"',
        filename=f"lesson-{found.pk}.{extension}",
    )


@require_safe
def captions(request: HttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    caption = LessonCaption.objects.filter(pk=pk).first()
    if caption is None:
        raise Http404
    _published(caption.video_id)
    return serve_file(
        request,
        caption.file,
        content_type="text/vtt; charset=utf-8",
        # The stored name changes with every upload: a replaced file gets a new ETag.
        etag=f'"{PurePosixPath(caption.file.name or "").stem}"',
        filename=f"lesson-{caption.video_id}-{caption.language}.vtt",
    )
