"""One guarded upload for every file the project accepts.

A use of uploads (an appeal letter, a register import, later evidence) is described by an
:class:`UploadPolicy`: which kinds of file it accepts, recognised from their bytes and never
from the name or the browser's content type, how large they may be, and whether they must
stay in memory until the encrypted storage takes them. A view puts the guard in place with
:func:`guarded_upload`::

    @require_http_methods(["GET", "POST"])
    @guarded_upload(APPEAL_LETTER, refused=render_refusal, before=check_permission)
    def appeal_new(request):
        message = upload_refusal(request)  # refused while it streamed in?
        accepted = check_upload(request.FILES["attachment"], APPEAL_LETTER)
        # ValidationError if not; else store under accepted.name

The guard is installed in ``request.upload_handlers`` before the body is parsed, so an
oversize upload is refused while it streams in, before anything is stored. The CSRF check
can only run after that (it reads the form), which is why the decorator marks the view
exempt from the middleware and runs ``csrf_protect`` itself, right after the guard: that
pattern lives here and nowhere else.

An evidence policy would read, for example::

    EVIDENCE = UploadPolicy(
        kinds=frozenset({JPEG, HEIC, HEIF, PNG, WEBP, PDF, MP3, M4A, OGG, WAV, AMR,
                         MP4, MOV, WEBM, DOCX, ODT, DOC}),
        too_large=..., wrong_kind=...,
    )
"""

from __future__ import annotations

import functools
import struct
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import (
    FileUploadHandler,
    MemoryFileUploadHandler,
    StopUpload,
    TemporaryFileUploadHandler,
)
from django.http import HttpRequest, HttpResponse, QueryDict
from django.template.defaultfilters import filesizeformat
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect

# ---------------------------------------------------------------- kinds of file


@dataclass(frozen=True)
class FileKind:
    """A kind of file as its bytes show it, with the extension it is stored under."""

    content_type: str
    extension: str


PDF = FileKind("application/pdf", "pdf")
PNG = FileKind("image/png", "png")
JPEG = FileKind("image/jpeg", "jpg")
GIF = FileKind("image/gif", "gif")
TIFF = FileKind("image/tiff", "tif")
WEBP = FileKind("image/webp", "webp")
HEIC = FileKind("image/heic", "heic")
HEIF = FileKind("image/heif", "heif")
AVIF = FileKind("image/avif", "avif")
MP3 = FileKind("audio/mpeg", "mp3")
M4A = FileKind("audio/mp4", "m4a")
OGG = FileKind("audio/ogg", "ogg")
WAV = FileKind("audio/wav", "wav")
FLAC = FileKind("audio/flac", "flac")
AMR = FileKind("audio/amr", "amr")
MP4 = FileKind("video/mp4", "mp4")
MOV = FileKind("video/quicktime", "mov")
THREE_GP = FileKind("video/3gpp", "3gp")
WEBM = FileKind("video/webm", "webm")
MKV = FileKind("video/x-matroska", "mkv")
OGV = FileKind("video/ogg", "ogv")
AVI = FileKind("video/x-msvideo", "avi")
DOCX = FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
XLSX = FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
PPTX = FileKind("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx")
ODT = FileKind("application/vnd.oasis.opendocument.text", "odt")
ODS = FileKind("application/vnd.oasis.opendocument.spreadsheet", "ods")
ODP = FileKind("application/vnd.oasis.opendocument.presentation", "odp")
DOC = FileKind("application/msword", "doc")
XLS = FileKind("application/vnd.ms-excel", "xls")
PPT = FileKind("application/vnd.ms-powerpoint", "ppt")
# Text in any 8-bit or UTF-8 encoding (a CSV table is text): the reader of the file decides
# whether it is the text it expects, and says so with a line number.
TEXT = FileKind("text/plain", "txt")

# Fixed bytes at the start of a file.
_MAGIC: tuple[tuple[bytes, FileKind], ...] = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"ID3", MP3),
    (b"fLaC", FLAC),
    (b"#!AMR\n", AMR),
)
# RIFF containers, told apart by the form type at offset 8.
_RIFF = {b"WEBP": WEBP, b"WAVE": WAV, b"AVI ": AVI}
# ISO base media files ("ftyp" box at offset 4), told apart by their brands.
_FTYP = {
    **dict.fromkeys((b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"), HEIC),
    **dict.fromkeys((b"mif1", b"msf1"), HEIF),
    b"avif": AVIF,
    **dict.fromkeys((b"M4A ", b"M4B "), M4A),
    b"qt  ": MOV,
    **dict.fromkeys((b"3gp4", b"3gp5", b"3gp6", b"3g2a"), THREE_GP),
    **dict.fromkeys(
        (b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V "),
        MP4,
    ),
}
# ZIP-based office documents, recognised by the entries of the central directory.
_ZIP_MEMBERS: tuple[tuple[str, FileKind], ...] = (
    ("xl/workbook.xml", XLSX),
    ("word/document.xml", DOCX),
    ("ppt/presentation.xml", PPTX),
)
# OpenDocument files start with an uncompressed "mimetype" entry naming their type.
_ODF = {
    b"application/vnd.oasis.opendocument.text": ODT,
    b"application/vnd.oasis.opendocument.spreadsheet": ODS,
    b"application/vnd.oasis.opendocument.presentation": ODP,
}
# Legacy Office files are OLE2 compound files, told apart by the streams they hold.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_STREAMS = {"WordDocument": DOC, "Workbook": XLS, "Book": XLS, "PowerPoint Document": PPT}
_OLE_MAX_SECTORS = 256  # bounds the work a hostile compound file can ask for

_HEAD = 8192
# Control bytes that never occur in text (tab, line feed, form feed, return do).
_NOT_TEXT = bytes(set(range(32)) - {9, 10, 12, 13}) + b"\x7f"


def sniff(stream: IO[bytes]) -> FileKind | None:
    """The kind of a file from its bytes, or None when it is none we know.

    ``stream`` must be seekable; it is read from the start and left at the start. ZIP and
    OLE2 files are recognised from their directories, which are read, never extracted.
    """
    stream.seek(0)
    head = stream.read(_HEAD)
    try:
        return _sniff(stream, head)
    finally:
        stream.seek(0)


def _sniff(stream: IO[bytes], head: bytes) -> FileKind | None:
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF":
        return _RIFF.get(head[8:12])
    if head[4:8] == b"ftyp":
        return _ftyp(head)
    if head[:4] == b"\x1a\x45\xdf\xa3":  # EBML: WebM or Matroska, named in its DocType
        return WEBM if b"webm" in head[:64] else MKV if b"matroska" in head[:64] else None
    if head[:4] == b"OggS":
        return OGV if b"\x80theora" in head[:64] else OGG
    if head[:4] == b"PK\x03\x04":
        return _zip(stream, head)
    if head[:8] == _OLE_MAGIC:
        return _ole(stream)
    if _mpeg_audio_frame(head):
        return MP3
    if head and len(head.translate(None, _NOT_TEXT)) == len(head):
        return TEXT
    return None


def _ftyp(head: bytes) -> FileKind | None:
    size = int.from_bytes(head[:4], "big")
    box = head[8 : max(16, min(size, len(head)))]
    # The major brand first, then the compatible brands (skipping the minor version).
    brands = [box[:4]] + [box[i : i + 4] for i in range(8, len(box) - 3, 4)]
    for brand in brands:
        if brand in _FTYP:
            return _FTYP[brand]
    return None


def _mpeg_audio_frame(head: bytes) -> bool:
    """An MP3 without an ID3 tag starts with a frame header: 11 sync bits, then valid
    version, layer, bit-rate and sample-rate fields (JPEG and AAC do not pass)."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 3, (head[1] >> 1) & 3
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 3
    return version != 1 and layer != 0 and bitrate not in (0, 15) and rate != 3


def _zip(stream: IO[bytes], head: bytes) -> FileKind | None:
    if head[30:38] == b"mimetype":
        for mimetype, kind in _ODF.items():
            if head[38:].startswith(mimetype):
                return kind
    try:
        with zipfile.ZipFile(stream) as archive:  # reads the central directory only
            names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for member, kind in _ZIP_MEMBERS:
        if member in names:
            return kind
    return None


def _ole(stream: IO[bytes]) -> FileKind | None:
    names = _ole_stream_names(stream)
    for name, kind in _OLE_STREAMS.items():
        if name in names:
            return kind
    return None


def _ole_stream_names(stream: IO[bytes]) -> set[str]:
    """Names in an OLE2 compound file's directory, read through the FAT sectors the header
    lists (enough for the directory of any document we take)."""
    stream.seek(0)
    header = stream.read(512)
    shift = int.from_bytes(header[30:32], "little")
    if len(header) < 512 or shift not in (9, 12):
        return set()
    size = 1 << shift

    def sector(number: int) -> bytes:
        stream.seek((number + 1) * size)  # the header takes the place of sector -1
        data = stream.read(size)
        return data[: len(data) // 4 * 4]

    fat: list[int] = []
    for number in struct.unpack("<109I", header[76:512])[:_OLE_MAX_SECTORS]:
        if number >= 0xFFFFFFFA:
            break
        data = sector(number)
        fat.extend(struct.unpack(f"<{len(data) // 4}I", data))
    names: set[str] = set()
    current, seen = int.from_bytes(header[48:52], "little"), set[int]()
    while current < 0xFFFFFFFA and current not in seen and len(seen) < _OLE_MAX_SECTORS:
        seen.add(current)
        data = sector(current)
        for offset in range(0, len(data) - 127, 128):
            length = int.from_bytes(data[offset + 64 : offset + 66], "little")
            if 2 <= length <= 64:
                names.add(data[offset : offset + length - 2].decode("utf-16-le", "replace"))
        current = fat[current] if current < len(fat) else 0xFFFFFFFE
    return names


# ---------------------------------------------------------------- policies


@dataclass(frozen=True)
class UploadPolicy:
    """What one use of uploads accepts.

    ``too_large`` and ``wrong_kind`` are lazy translated messages; ``too_large`` may name
    the limit as ``%(size)s`` ("50,0 MB") or ``%(mb)s`` ("50"). ``max_bytes`` caps the files
    of one request together; it can only lower ``HIMOYA_MAX_UPLOAD_BYTES``, which the
    encrypted storage enforces anyway. With ``in_memory`` (the default) a file is never
    written to a temporary file: it would lie on disk in plain text before the encrypted
    storage gets it.
    """

    kinds: frozenset[FileKind]
    too_large: Any
    wrong_kind: Any
    max_bytes: int | None = None
    in_memory: bool = True
    # Takes the file's bytes instead of memory, after the guard (evidence seals and hashes
    # them as they arrive); it is handed the request when the body is parsed.
    receiver: Callable[[HttpRequest], FileUploadHandler] | None = None

    @property
    def limit(self) -> int:
        ceiling = int(settings.HIMOYA_MAX_UPLOAD_BYTES)
        return ceiling if self.max_bytes is None else min(self.max_bytes, ceiling)

    def too_large_message(self) -> str:
        limit = self.limit
        return str(self.too_large) % {
            "size": filesizeformat(limit),
            "mb": limit // (1024 * 1024),
        }


APPEAL_LETTER = UploadPolicy(
    kinds=frozenset({PDF, PNG, JPEG, GIF, TIFF, WEBP}),
    too_large=gettext_lazy(
        "The file is larger than %(size)s and was not accepted; nothing was stored. "
        "Attach a smaller scan and send the form again."
    ),
    wrong_kind=gettext_lazy("Upload a PDF file or an image (JPEG, PNG, TIFF)."),
)

REGISTER_IMPORT = UploadPolicy(
    kinds=frozenset({TEXT, XLSX}),
    too_large=gettext_lazy("The file is larger than %(mb)s MB and was not stored."),
    wrong_kind=gettext_lazy("Upload a CSV table or an XLSX workbook."),
)


# ---------------------------------------------------------------- checking a file


@dataclass(frozen=True)
class AcceptedUpload:
    """An upload that passed its policy. ``name`` is random, with the extension of what the
    bytes are: store under it, never under the original name, which may name a person."""

    file: UploadedFile
    kind: FileKind
    name: str

    @property
    def content_type(self) -> str:
        return self.kind.content_type

    @property
    def extension(self) -> str:
        return self.kind.extension


def check_upload(upload: UploadedFile, policy: UploadPolicy) -> AcceptedUpload:
    """Checks an uploaded file against ``policy``: its size, and its kind as sniffed from
    its bytes. Raises ValidationError with the policy's translated message (code
    ``too_large`` or ``wrong_kind``); the upload itself is left unchanged."""
    if upload.size is not None and upload.size > policy.limit:
        raise ValidationError(policy.too_large_message(), code="too_large")
    kind = sniff(upload)
    if kind is None or kind not in policy.kinds:
        raise ValidationError(str(policy.wrong_kind), code="wrong_kind")
    return AcceptedUpload(file=upload, kind=kind, name=f"{uuid.uuid4().hex}.{kind.extension}")


# ---------------------------------------------------------------- guarding the request


# Room for the other form fields and the multipart framing around a file at the limit.
_ENVELOPE = 64 * 1024


class UploadGuard(FileUploadHandler):
    """First of a guarded request's upload handlers: refuses files over the policy's limit.

    When the declared length of a request is far over the limit, its form fields are read
    (what the person typed, and the CSRF token; Django bounds them by
    DATA_UPLOAD_MAX_MEMORY_SIZE) and the upload is stopped as the first file starts, so
    not a byte of the file is read and the form can be shown again as it was typed.
    Otherwise the bytes are counted as they arrive and the upload is stopped at the first
    byte over; the fields read before it are kept.
    """

    def __init__(self, request: HttpRequest, policy: UploadPolicy) -> None:
        super().__init__(request)
        if policy.receiver is not None:
            # Django reads in the smallest chunk size of the handlers: the receiver's.
            self.chunk_size = policy.receiver.chunk_size  # type: ignore[attr-defined]
        self.policy = policy
        self.limit = policy.limit
        self.received = 0
        self.refused = False
        self.unread = False
        self.declared_over = False

    def handle_raw_input(
        self,
        input_data: Any,
        META: Any,  # noqa: N803  (Django's name)
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> tuple[QueryDict, MultiValueDict[str, Any]] | None:
        if content_length and content_length > self.limit + _ENVELOPE:
            self.declared_over = True
        return None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        if self.declared_over:
            self.refused = True
            raise StopUpload(connection_reset=True)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.refused = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


class _InMemory(MemoryFileUploadHandler):
    """Keeps every file in memory: Django's own handler steps aside when the whole request
    is larger than FILE_UPLOAD_MAX_MEMORY_SIZE, but the guard before it has already
    refused anything over the limit."""

    def handle_raw_input(
        self,
        input_data: Any,
        META: Any,  # noqa: N803
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        self.activated = True


def _guard(request: HttpRequest) -> UploadGuard | None:
    return next((h for h in request.upload_handlers if isinstance(h, UploadGuard)), None)


def upload_refusal(request: HttpRequest) -> str | None:
    """The policy's "too large" message if the guard refused this request's upload while
    it streamed in (the other fields read before it are in ``request.POST``), else None."""
    guard = _guard(request)
    return guard.policy.too_large_message() if guard and guard.refused else None


def _carries_csrf_token(request: HttpRequest) -> bool:
    return "csrfmiddlewaretoken" in request.POST or settings.CSRF_HEADER_NAME in request.META


View = Callable[..., HttpResponse]


def guarded_upload(
    policy: UploadPolicy,
    *,
    refused: Callable[..., HttpResponse],
    before: Callable[..., object] | None = None,
) -> Callable[[View], View]:
    """Decorates a view that takes an upload under ``policy``.

    For every request ``before(request, *args, **kwargs)`` runs first, before a byte of
    the body is read (a permission check raising PermissionDenied belongs there). For a
    POST the guard is installed and the body parsed under it. When the upload was refused
    before the request's CSRF token arrived, the view is not called:
    ``refused(request, message, *args, **kwargs)`` renders the answer, and must change
    nothing. Otherwise the view runs under ``csrf_protect``; when the file was refused
    part way, ``upload_refusal(request)`` says so and the view shows it on its form.
    """

    def decorator(view: View) -> View:
        protected = csrf_protect(view)

        @csrf_exempt  # the middleware would read the body before the guard is in place
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            guard = None
            if request.method == "POST":
                # In place before ``before`` runs: the error page for what it raises
                # reads the form too (Django's checks its CSRF token).
                guard = UploadGuard(request, policy)
                handlers: list[FileUploadHandler] = [guard, _InMemory(request)]
                if policy.receiver is not None:
                    handlers[1:] = [policy.receiver(request)]
                elif not policy.in_memory:
                    handlers[1:] = [
                        MemoryFileUploadHandler(request),
                        TemporaryFileUploadHandler(request),
                    ]
                request.upload_handlers = handlers
            if before is not None:
                before(request, *args, **kwargs)
            if guard is not None:
                request.POST  # noqa: B018  (parses the body under the guard)
                if guard.declared_over and guard.refused and not _carries_csrf_token(request):
                    # Stopped before its CSRF token came (a file before the token): the
                    # view must not run, and csrf_protect would only say "CSRF failed".
                    guard.unread = True
                    return refused(request, policy.too_large_message(), *args, **kwargs)
            return protected(request, *args, **kwargs)

        return wrapper

    return decorator


__all__ = [
    "APPEAL_LETTER",
    "REGISTER_IMPORT",
    "AcceptedUpload",
    "FileKind",
    "UploadGuard",
    "UploadPolicy",
    "check_upload",
    "guarded_upload",
    "sniff",
    "upload_refusal",
]
