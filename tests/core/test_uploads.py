"""core.uploads: kinds of file told from their bytes, the policies, and the guard on a real
multipart request (refused while streaming, nothing on disk, CSRF checked after it)."""

from __future__ import annotations

import base64
import dataclasses
import io
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from himoya.core import uploads
from himoya.core.uploads import APPEAL_LETTER, REGISTER_IMPORT, check_upload, sniff

# ---------------------------------------------------------------- minimal real files


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1×1, 8-bit greyscale
    pixels = zlib.compress(b"\x00\x00")  # one scan line: filter byte, one pixel
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


# 1×1 images as cameras and editors write them.
JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////"
    "////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/a"
    "AAgBAQABPxA="
)
GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
WEBP = base64.b64decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
TIFF = (
    b"II*\x00\x08\x00\x00\x00"  # header, first IFD at 8
    + struct.pack("<H", 3)
    + struct.pack("<HHII", 256, 4, 1, 1)  # width 1
    + struct.pack("<HHII", 257, 4, 1, 1)  # height 1
    + struct.pack("<HHII", 259, 3, 1, 1)  # no compression
    + b"\x00\x00\x00\x00"
)


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    body = major + b"\x00\x00\x00\x00" + b"".join(compatible)
    return struct.pack(">I", 8 + len(body)) + b"ftyp" + body + b"\x00\x00\x00\x08free"


def ebml(doctype: bytes) -> bytes:
    fields = (
        b"\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08"
        + b"\x42\x82"
        + bytes([0x80 | len(doctype)])
        + doctype
        + b"\x42\x87\x81\x02\x42\x85\x81\x02"
    )
    return b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(fields)]) + fields + b"\x18\x53\x80\x67"


def riff(form: bytes, chunk: bytes) -> bytes:
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + form + chunk


WAV = riff(
    b"WAVE", b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 8000, 1, 8) + b"data\x00\x00\x00\x00"
)
OGG_OPUS = b"OggS\x00\x02" + b"\x00" * 20 + b"\x01\x13OpusHead\x01\x01\x38\x01\x80\xbb\x00\x00"
MP3_FRAME = b"\xff\xfb\x90\x64" + b"\x00" * 413
MP3_ID3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + MP3_FRAME


def office_zip(*members: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in members:
            archive.writestr(member, "<?xml version='1.0'?><x/>")
    return buffer.getvalue()


def xlsx() -> bytes:
    book = Workbook()
    book.active.append(["number", "received_on"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def odf(mimetype: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>", zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def ole2(*streams: str) -> bytes:
    """A compound file of 512-byte sectors: header, one FAT sector, one directory sector."""
    free, end, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<I", 0)
        + struct.pack("<108I", *([free] * 108))
    )
    assert len(header) == 512
    fat = struct.pack("<128I", fat_sector, end, *([free] * 126))

    def entry(name: str, kind: int) -> bytes:
        raw = (name + "\x00").encode("utf-16-le")
        return (
            raw.ljust(64, b"\x00")
            + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", free, free, free)
            + b"\x00" * 36
            + struct.pack("<II", end, 0)
            + b"\x00" * 4
        )

    entries = [entry("Root Entry", 5)] + [entry(name, 2) for name in streams]
    directory = b"".join(entries).ljust(512, b"\x00")
    return header + fat + directory


CSV = "\ufeffnumber,received_on,victim\nA-1,2024-03-01,Тестов Тест\n".encode()
CSV_1251 = "number,victim\nA-1,Тестов Тест\n".encode("cp1251")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
HTML = b"<!doctype html><html><script>alert(1)</script></html>"

KNOWN = [
    (PDF, uploads.PDF),
    (png(), uploads.PNG),
    (JPEG, uploads.JPEG),
    (GIF, uploads.GIF),
    (TIFF, uploads.TIFF),
    (WEBP, uploads.WEBP),
    (ftyp(b"heic", b"mif1", b"heic"), uploads.HEIC),
    (ftyp(b"mif1", b"mif1"), uploads.HEIF),
    (ftyp(b"isom", b"isom", b"iso2", b"avc1", b"mp41"), uploads.MP4),
    (ftyp(b"qt  ", b"qt  "), uploads.MOV),
    (ftyp(b"M4A ", b"M4A ", b"mp42", b"isom"), uploads.M4A),
    (ftyp(b"XXXX", b"mp42"), uploads.MP4),  # an unknown major brand, a known compatible one
    (ebml(b"webm"), uploads.WEBM),
    (ebml(b"matroska"), uploads.MKV),
    (OGG_OPUS, uploads.OGG),
    (MP3_ID3, uploads.MP3),
    (MP3_FRAME, uploads.MP3),
    (WAV, uploads.WAV),
    (b"fLaC\x00\x00\x00\x22" + b"\x00" * 34, uploads.FLAC),
    (b"#!AMR\n\x3c\x00", uploads.AMR),
    (xlsx(), uploads.XLSX),
    (office_zip("[Content_Types].xml", "_rels/.rels", "word/document.xml"), uploads.DOCX),
    (odf("application/vnd.oasis.opendocument.text"), uploads.ODT),
    (odf("application/vnd.oasis.opendocument.spreadsheet"), uploads.ODS),
    (ole2("WordDocument", "\x05SummaryInformation"), uploads.DOC),
    (ole2("Workbook"), uploads.XLS),
    (CSV, uploads.TEXT),
    (CSV_1251, uploads.TEXT),
]


@pytest.mark.parametrize(("data", "kind"), KNOWN, ids=[k.extension for _, k in KNOWN])
def test_each_kind_is_told_from_its_bytes(data: bytes, kind: uploads.FileKind) -> None:
    stream = io.BytesIO(data)
    stream.seek(5)
    assert sniff(stream) == kind
    assert stream.tell() == 0  # read from the start, left at the start


UNKNOWN = {
    "exe": EXE,
    "elf": ELF,
    "empty": b"",
    "plain zip": office_zip("notes.txt", "photo.jpg"),
    "zip with types but no document": office_zip("[Content_Types].xml", "evil/run.xml"),
    "cut zip": xlsx()[:200],
    "ole2 installer": ole2("\x05DigitalSignature", "Binary.Setup"),
    "aac (no mp3 layer)": b"\xff\xf1\x50\x80\x02\x1f\xfc" + b"\x00" * 40,
    "ftyp of no known brand": ftyp(b"XXXX", b"YYYY"),
    "riff of no known form": riff(b"CDXA", b"\x00" * 8),
    "utf-16 text": "number,victim\n".encode("utf-16"),
}


@pytest.mark.parametrize("data", UNKNOWN.values(), ids=UNKNOWN.keys())
def test_what_we_do_not_know_is_not_recognised(data: bytes) -> None:
    assert sniff(io.BytesIO(data)) is None


def test_a_letter_is_accepted_under_a_random_name() -> None:
    upload = SimpleUploadedFile("Тестбаев жалоба.pdf", PDF, "application/octet-stream")
    accepted = check_upload(upload, APPEAL_LETTER)
    assert accepted.content_type == "application/pdf" and accepted.extension == "pdf"
    assert accepted.name.endswith(".pdf") and "Тестбаев" not in accepted.name
    assert len(accepted.name) == 36  # 32 random hex digits and the extension
    assert check_upload(upload, APPEAL_LETTER).name != accepted.name
    assert upload.name == "Тестбаев жалоба.pdf"  # the caller decides where to store it
    assert accepted.file.read() == PDF  # left at the start


@pytest.mark.parametrize(("name", "data"), [("letter.pdf", EXE), ("letter.pdf", HTML)])
def test_a_renamed_file_is_refused(name: str, data: bytes, english: None) -> None:
    upload = SimpleUploadedFile(name, data, "application/pdf")
    with pytest.raises(ValidationError) as caught:
        check_upload(upload, APPEAL_LETTER)
    assert caught.value.code == "wrong_kind"
    assert caught.value.messages == ["Upload a PDF file or an image (JPEG, PNG, TIFF)."]


def test_the_register_takes_tables_only(english: None) -> None:
    assert check_upload(SimpleUploadedFile("r.xlsx", xlsx()), REGISTER_IMPORT).extension == "xlsx"
    assert check_upload(SimpleUploadedFile("r.csv", CSV), REGISTER_IMPORT).kind == uploads.TEXT
    for data in (PDF, EXE, office_zip("[Content_Types].xml", "word/document.xml")):
        with pytest.raises(ValidationError, match="CSV table or an XLSX workbook"):
            check_upload(SimpleUploadedFile("r.xlsx", data), REGISTER_IMPORT)


def test_size_is_checked_against_the_policy(settings: Any, english: None) -> None:
    settings.HIMOYA_MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    big = SimpleUploadedFile("scan.pdf", PDF + b"0" * (2 * 1024 * 1024))
    with pytest.raises(ValidationError) as caught:
        check_upload(big, APPEAL_LETTER)
    assert caught.value.code == "too_large"
    assert "larger than 2.0\xa0MB" in caught.value.messages[0]
    with pytest.raises(ValidationError, match="larger than 2 MB and was not stored"):
        check_upload(big, REGISTER_IMPORT)
    # A policy can lower the limit, never raise it over what storage accepts.
    small = uploads.UploadPolicy(
        kinds=frozenset({uploads.PDF}), too_large="", wrong_kind="", max_bytes=10
    )
    assert small.limit == 10
    assert dataclasses.replace(small, max_bytes=10**12).limit == 2 * 1024 * 1024


# ---------------------------------------------------------------- the guard on a request


LIMIT = 100 * 1024


@pytest.fixture
def guarded(settings: Any, tmp_path: Path) -> Path:
    """Small limits, and a temporary directory of our own to see what lands on disk."""
    settings.HIMOYA_MAX_UPLOAD_BYTES = LIMIT
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.LANGUAGE_CODE = "en"
    return tmp_path


def letter(size: int, token: str = "") -> dict[str, Any]:
    fields: dict[str, Any] = {"csrfmiddlewaretoken": token} if token else {}
    fields["name"] = "Ерлан"
    fields["attachment"] = SimpleUploadedFile("акт.pdf", PDF + b"0" * (size - len(PDF)))
    return fields


def csrf_client() -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    token = "b" * 32
    client.cookies[settings.CSRF_COOKIE_NAME] = token
    return client, token


@pytest.mark.urls("tests.testapp.urls")
class TestGuard:
    def test_within_the_limit_the_file_stays_in_memory(self, guarded: Path) -> None:
        client, token = csrf_client()
        response = client.post("/guarded/letter/", letter(LIMIT, token))
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["content_type"] == "application/pdf" and body["name_field"] == "Ерлан"
        # Far over FILE_UPLOAD_MAX_MEMORY_SIZE, yet never in a temporary file.
        assert body["handler"] == "InMemoryUploadedFile"

    def test_django_handlers_would_have_spilled_it_to_disk(self, guarded: Path) -> None:
        client, token = csrf_client()
        response = client.post("/guarded/spilling/", letter(LIMIT, token))
        assert response.json()["handler"] == "TemporaryUploadedFile"

    def test_just_over_the_limit_is_refused_while_streaming(self, guarded: Path) -> None:
        # Content-Length alone does not give it away: the guard counts the bytes.
        client, token = csrf_client()
        response = client.post("/guarded/letter/", letter(LIMIT + 1, token))
        assert response.status_code == 413
        body = response.json()
        assert "unread" not in body  # the view itself answered, after the CSRF check
        assert body["name"] == "Ерлан"  # the fields before the file are kept
        assert body["files"] == []  # the file was stopped, not read to its end
        assert "larger than 100.0\xa0KB" in body["refused"]
        assert list(guarded.iterdir()) == []

    def test_far_over_the_limit_keeps_the_fields_and_reads_no_file_byte(
        self, guarded: Path
    ) -> None:
        client, token = csrf_client()
        response = client.post("/guarded/spilling/", letter(LIMIT * 3, token))
        assert response.status_code == 413
        body = response.json()
        assert "unread" not in body  # the view answered, after the CSRF check
        assert body["name"] == "Ерлан"  # what was typed comes back
        assert body["files"] == []
        assert "nothing was stored" in body["refused"]
        assert list(guarded.iterdir()) == []

    def test_far_over_with_the_file_before_the_token_is_refused_unchecked(
        self, guarded: Path
    ) -> None:
        client, token = csrf_client()
        fields = letter(LIMIT * 3)
        fields = {"attachment": fields.pop("attachment"), "csrfmiddlewaretoken": token, **fields}
        response = client.post("/guarded/spilling/", fields)
        assert response.status_code == 413
        assert response.json()["unread"] is True  # the view never ran
        assert list(guarded.iterdir()) == []

    def test_csrf_is_checked_after_the_guard(self, guarded: Path) -> None:
        client, _ = csrf_client()
        assert client.post("/guarded/letter/", letter(1024)).status_code == 403
        assert client.post("/guarded/letter/", letter(1024, "c" * 32)).status_code == 403
        assert client.get("/guarded/letter/").status_code == 200

    def test_the_check_before_runs_before_the_body(self, guarded: Path) -> None:
        client, token = csrf_client()
        response = client.post("/guarded/letter/?who=mallory", letter(LIMIT * 3, token))
        assert response.status_code == 403  # not 413: refused before the body was looked at

    def test_a_renamed_file_is_refused_through_the_request(self, guarded: Path) -> None:
        client, token = csrf_client()
        data = {
            "csrfmiddlewaretoken": token,
            "attachment": SimpleUploadedFile("letter.pdf", EXE, "application/pdf"),
        }
        response = client.post("/guarded/letter/", data)
        assert response.status_code == 400
        assert response.json()["code"] == "wrong_kind"
