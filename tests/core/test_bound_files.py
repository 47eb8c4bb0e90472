"""Stored files are bound to the record that owns them (finding 3): a file moved to
another record, or a record moved to another organisation, does not open, and the page
says the record is damaged; files stored before this are bound by the migration."""

from __future__ import annotations

import base64
import io
import os
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import models
from django.urls import reverse

from himoya.cases.models import Appeal
from himoya.core.damage import DamagedValue
from himoya.core.filefields import BoundFileField, FileSpec, bind_files
from himoya.core.models import AuditEvent
from himoya.core.storage import BOUND_VERSION, EncryptedFileSystemStorage
from himoya.imports.models import ImportJob
from tests.conftest import make_client
from tests.core.test_downloads import PDF_HEAD, appeal_with_letter, fictional_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def two_letters(org: Any, tmp_path: Path) -> tuple[Any, Appeal, Appeal]:
    fictional_pdf(tmp_path / "one.pdf", 70_000)
    fictional_pdf(tmp_path / "two.pdf", 1_000)
    user, first = appeal_with_letter(org, tmp_path / "one.pdf")
    _user, second = appeal_with_letter(org, tmp_path / "two.pdf")
    return user, first, second


def read(appeal: Appeal) -> bytes:
    with Appeal.objects.get(pk=appeal.pk).attachment.open("rb") as handle:
        return handle.read()


def test_a_letter_is_stored_bound_to_its_appeal(org: Any, media: Path, tmp_path: Path) -> None:
    _user, first, _second = two_letters(org, tmp_path)
    store = EncryptedFileSystemStorage()
    assert store.header(first.attachment.name).version == BOUND_VERSION
    assert read(first).startswith(PDF_HEAD)
    with pytest.raises(Exception), store.open(first.attachment.name):  # noqa: B017
        pass  # without the appeal's identity it does not open


def test_letters_swapped_between_appeals_do_not_open(org: Any, media: Path, tmp_path: Path) -> None:
    user, first, second = two_letters(org, tmp_path)
    Appeal.objects.filter(pk=first.pk).update(attachment=second.attachment.name)
    Appeal.objects.filter(pk=second.pk).update(attachment=first.attachment.name)
    for appeal in (first, second):
        with pytest.raises(DamagedValue) as caught:
            read(appeal)
        assert (caught.value.model, caught.value.pk, caught.value.field) == (
            "cases.appeal",
            appeal.pk,
            "attachment",
        )
    client = make_client(user)
    client.raise_request_exception = False
    response = client.get(reverse("cases:appeal_letter", args=[first.case_id, first.pk]))
    assert response.status_code == 200
    assert not response.streaming
    assert PDF_HEAD not in response.content
    assert "damaged" in response.content.decode() or "повреждена" in response.content.decode()
    event = AuditEvent.objects.filter(action="crypto.damaged").latest("id")
    assert event.data == {"model": "cases.appeal", "id": first.pk, "field": "attachment"}


def test_an_appeal_moved_to_another_organisation_loses_its_letter(
    org: Any, other_org: Any, media: Path, tmp_path: Path
) -> None:
    _user, first, _second = two_letters(org, tmp_path)
    Appeal.objects.filter(pk=first.pk).update(organisation=other_org)
    with pytest.raises(DamagedValue):
        read(first)


def test_an_unbound_file_in_a_records_place_is_refused_until_the_migration_binds_it(
    org: Any, media: Path, tmp_path: Path
) -> None:
    """A letter stored before files were bound (format 2, no associated data) is refused
    in the appeal's place; the migration's step binds it to the appeal naming it, and a
    second run changes nothing."""
    _user, first, second = two_letters(org, tmp_path)
    store = EncryptedFileSystemStorage()
    old = store.save("appeals/old-letter.pdf", ContentFile(PDF_HEAD + b"old"))
    assert store.header(old).version == 2
    Appeal.objects.filter(pk=first.pk).update(attachment=old)
    with pytest.raises(DamagedValue):
        read(first)

    spec = FileSpec.of(Appeal, Appeal._meta.get_field("attachment"))  # type: ignore[arg-type]
    assert bind_files(spec).unbound == 1  # rotation's pass leaves unbound files alone
    done = bind_files(spec, bind=True)
    assert done.rewritten == 1
    assert read(first) == PDF_HEAD + b"old"
    assert read(second).startswith(PDF_HEAD)
    assert bind_files(spec, bind=True).rewritten == 0


def test_rotation_keeps_bound_files_bound(
    org: Any, media: Path, tmp_path: Path, settings: Any
) -> None:
    _user, first, _second = two_letters(org, tmp_path)
    before = read(first)
    new = f"knew:{base64.b64encode(os.urandom(32)).decode()}"
    settings.HIMOYA_DATA_KEYS = f"{new},{settings.HIMOYA_DATA_KEYS}"
    call_command("rotate_keys", stdout=io.StringIO())
    store = EncryptedFileSystemStorage()
    header = store.header(first.attachment.name)
    assert (header.kid, header.version) == ("knew", BOUND_VERSION)
    settings.HIMOYA_DATA_KEYS = new  # the old key is gone
    assert read(first) == before


def test_an_import_upload_is_bound_to_its_job(org: Any, media: Path) -> None:
    jobs = [ImportJob.objects.create(organisation=org) for _ in range(2)]
    for i, job in enumerate(jobs):
        job.file.save(f"import-{job.pk}", ContentFile(f"register {i}".encode()), save=True)
    with ImportJob.objects.get(pk=jobs[0].pk).file.open("rb") as handle:
        assert handle.read() == b"register 0"
    ImportJob.objects.filter(pk=jobs[0].pk).update(file=jobs[1].file.name)
    with pytest.raises(DamagedValue):
        ImportJob.objects.get(pk=jobs[0].pk).file.open("rb")


# Published to anyone and kept unencrypted outside MEDIA_ROOT (the public site's lesson
# videos and captions): there is nothing to protect by binding them to their rows.
PUBLIC_FILES = {"public_site.LessonVideo.file", "public_site.LessonCaption.file"}


def test_every_file_field_of_the_project_is_bound() -> None:
    """A new file column (documents, evidence) must be a BoundFileField: a plain
    FileField would store files a database writer can move between records."""
    for label in PUBLIC_FILES:
        model_label, name = label.rsplit(".", 1)
        storage = apps.get_model(model_label)._meta.get_field(name).storage
        assert not isinstance(storage, EncryptedFileSystemStorage)
        assert not Path(storage.location).is_relative_to(settings.MEDIA_ROOT)
    plain = [
        f"{model._meta.label}.{f.name}"
        for model in apps.get_models()
        if model.__module__.startswith("himoya.")
        for f in model._meta.concrete_fields
        if isinstance(f, models.FileField) and not isinstance(f, BoundFileField)
    ]
    assert sorted(plain) == sorted(PUBLIC_FILES)
