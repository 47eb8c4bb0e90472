"""Receiving an evidence file from a request: sealed and hashed while it streams in.

The guard of ``core.uploads`` comes first and refuses a file over the limit; this handler
comes after it and takes the bytes instead of memory: each piece is hashed and encrypted
into ``<name>.part`` under the key of the row the file will belong to (its primary key is
taken from the sequence when the file starts). The view calls ``discard_unclaimed`` when
it ends, whatever happened: a file the service did not record (a refused kind, a form
error, an upload cut short, an exception) leaves nothing behind.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, cast

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers
from django.http import HttpRequest, HttpResponse

from himoya.core.fields import SealedAutoField
from himoya.evidence import files
from himoya.evidence.models import EvidenceItem

# Set by the view's permission check (before the body is read): the organisation whose
# key binding the file gets.
ORGANISATION_ATTR = "evidence_organisation_id"


def allocate_item_pk() -> int:
    """The primary key the next item will have (one ``nextval``)."""
    field = cast(SealedAutoField, EvidenceItem._meta.pk)
    return cast(int, field.get_pk_value_on_save(EvidenceItem()))


def item_binding(pk: int, organisation_id: int) -> bytes:
    return files.binding(EvidenceItem, pk, organisation_id)


class SealedUploadedFile(UploadedFile):
    """What ``request.FILES`` holds for a sealed file: its name and size for forms, and
    the sealed file for the service. It has no bytes to read."""

    def __init__(self, sealed: files.Sealed, content_type: str | None) -> None:
        super().__init__(
            file=None, name=sealed.original_name, content_type=content_type, size=sealed.size
        )
        self.sealed = sealed

    def open(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("a sealed evidence file is read through the evidence service")

    def close(self) -> None:
        return None


class SealingUploadHandler(FileUploadHandler):
    # Django's parser searches every chunk for the boundary: larger chunks cost less
    # per byte (the parser reads in the smallest chunk size of the request's handlers).
    chunk_size = 1024 * 1024

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.writers: list[files.SealingWriter] = []
        self.current: files.SealingWriter | None = None
        self.pk = 0
        self.organisation_id = 0
        self.claimed: set[str] = set()

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        organisation_id = getattr(self.request, ORGANISATION_ATTR, None)
        if organisation_id is None:
            raise RuntimeError("the view did not check the case before the body was read")
        self.organisation_id = organisation_id
        self.pk = allocate_item_pk()
        self.current = files.SealingWriter(
            files.new_name(organisation_id), item_binding(self.pk, organisation_id)
        )
        self.writers.append(self.current)
        raise StopFutureHandlers  # no other handler keeps a copy of the bytes

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        assert self.current is not None
        self.current.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> UploadedFile | None:
        writer, self.current = self.current, None
        if writer is None:
            return None
        digest = writer.finish()
        sealed = files.Sealed(
            name=writer.name,
            pk=self.pk,
            organisation_id=self.organisation_id,
            sha256=digest,
            size=writer.size,
            original_name=(self.file_name or "")[:300],
        )
        return SealedUploadedFile(sealed, self.content_type)

    def upload_interrupted(self) -> None:
        self.discard_unclaimed()

    def claim(self, sealed: files.Sealed) -> None:
        """The service recorded this file: it stays."""
        self.claimed.add(sealed.name)

    def discard_unclaimed(self) -> None:
        for writer in self.writers:
            if writer.name not in self.claimed:
                writer.abandon()


def discarding_unclaimed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Outside ``guarded_upload``: whatever happens while the body is read or the view
    runs (a dropped connection raises from the parser), a sealed file that no service
    recorded is removed when the request ends."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        finally:
            handler = handler_of(request)
            if handler is not None:
                handler.discard_unclaimed()

    return wrapper


def handler_of(request: HttpRequest) -> SealingUploadHandler | None:
    return next(
        (
            h
            for h in getattr(request, "_upload_handlers", [])
            if isinstance(h, SealingUploadHandler)
        ),
        None,
    )
