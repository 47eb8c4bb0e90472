"""Stored files bound to the record that owns them (finding 3 of the security review).

A ``BoundFileField`` seals its file with the record's identity as the associated data:
the same identity a row-bound field value carries (``crypto.row_associated`` of the
column, ``cases.appeal.attachment``, and the row, ``pk=..;organisation_id=..``, from the
model's ``encryption_scope``). Someone who can write the database but has no key can
point a record at another record's file (swap two stored names, or re-point a row at
another organisation): the file then does not open, and the page says the record is
damaged (``DamagedValue``, ``core.damage``) instead of handing the file out.

Files written before this (format versions 1 and 2, bound to nothing) are refused in a
record's place too; ``bind_files`` brings them to their records (the data migrations
``cases.0013`` and ``imports.0004``), and ``rotate-keys`` keeps bound files bound.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.core.files.storage import Storage, default_storage
from django.db import connection, models
from django.db.models.fields.files import FieldFile

from himoya.core import crypto
from himoya.core.damage import DamagedValue
from himoya.core.fields import SealedAutoField, binding_text, encryption_scope, instance_binding


def file_context(model: type[models.Model], field_name: str) -> str:
    return f"{model._meta.label_lower}.{field_name}"


def file_aad(context: str, row: str) -> bytes:
    return crypto.row_associated(context, row).encode()


class BoundFieldFile(FieldFile):
    """Saves and opens its file with the owning record's identity."""

    field: BoundFileField

    def record_aad(self) -> bytes:
        row = instance_binding(self.instance)
        if row is None:
            raise ValueError(
                f"{file_context(type(self.instance), self.field.name)}: the record's key must "
                "be known before its file is stored (give the model a SealedAutoField)"
            )
        return file_aad(file_context(type(self.instance), self.field.name), row)

    def save(self, name: str, content: Any, save: bool = True) -> None:
        instance = self.instance
        if instance.pk is None:
            # A file saved before its record (appeal_register stores the letter, then
            # saves the appeal): the key is taken from the sequence now, as save() would,
            # so the file can name the row it will belong to.
            pk = instance._meta.pk
            if not isinstance(pk, SealedAutoField):
                raise ValueError(f"{instance._meta.label}: a bound file needs a SealedAutoField")
            instance.pk = pk.get_pk_value_on_save(instance)
        name = self.field.generate_filename(instance, name)
        self.name = cast(Any, self.storage).save(
            name, content, max_length=self.field.max_length, aad=self.record_aad()
        )
        setattr(instance, self.field.attname, self.name)
        self._committed = True
        if save:
            instance.save()

    save.alters_data = True  # type: ignore[attr-defined]

    def _open_bound(self, mode: str) -> Any:
        try:
            return cast(Any, self.storage).open_bound(self.name, mode, aad=self.record_aad())
        except crypto.DecryptionError as exc:
            raise DamagedValue(
                str(exc),
                model=self.instance._meta.label_lower,
                pk=self.instance.pk,
                field=self.field.name,
            ) from None

    def _get_file(self) -> Any:
        self._require_file()  # type: ignore[attr-defined]
        if getattr(self, "_file", None) is None:
            self._file = self._open_bound("rb")
        return self._file

    file = property(
        _get_file,
        FieldFile._set_file,  # type: ignore[attr-defined]
        FieldFile._del_file,  # type: ignore[attr-defined]
    )

    def open(self, mode: str | None = "rb", *args: Any, **kwargs: Any) -> BoundFieldFile:
        self._require_file()  # type: ignore[attr-defined]
        current = getattr(self, "_file", None)
        if current is None or current.closed:
            # Never File.open(): it would reopen the sealed bytes by path, unbound.
            self.file = self._open_bound(mode or "rb")
        else:
            current.seek(0)
        return self

    open.alters_data = True  # type: ignore[attr-defined]


class BoundFileField(models.FileField):
    """A file on the encrypted storage, sealed for the record that owns it. The model
    needs a ``SealedAutoField`` key and its ``encryption_scope``, as encrypted fields do."""

    attr_class = BoundFieldFile


@dataclass(frozen=True)
class FileSpec:
    """A bound file column as plain SQL sees it (migrations use it without the models):
    ``label`` and ``field`` make the context, ``scope`` the model's scope columns."""

    table: str
    label: str
    field: str
    column: str
    scope: Sequence[str]

    @classmethod
    def of(cls, model: type[models.Model], field: models.FileField) -> FileSpec:
        return cls(
            table=model._meta.db_table,
            label=model._meta.label_lower,
            field=field.name,
            column=cast(str, field.column),
            scope=[cast(Any, model._meta.get_field(n)).column for n in encryption_scope(model)],
        )


@dataclass
class FileBinding:
    rewritten: int = 0
    missing: int = 0  # named by a row, absent from the storage
    unbound: int = 0  # left unbound (only ``bind`` binds them)


def bind_files(
    spec: FileSpec,
    *,
    bind: bool = False,
    storage: Storage | None = None,
    batch_size: int = 500,
) -> FileBinding:
    """Rewrites the files a column names under the primary key, bound to their rows;
    with ``bind`` also those still unbound (the one-off step that brought existing files
    to their records: only then can an unbound file be trusted to be where it was put).

    Rows are read in batches without locks: a stored file is never changed in place
    (a new upload gets a new name), so an edit meanwhile cannot be lost; the rewrite
    itself is atomic (``os.replace``)."""
    store = cast(Any, storage or default_storage)
    q = connection.ops.quote_name
    select = ", ".join(q(c) for c in ["id", *spec.scope, spec.column])
    context = f"{spec.label}.{spec.field}"
    report = FileBinding()
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {select} FROM {q(spec.table)} "  # noqa: S608
                f"WHERE id > %s AND {q(spec.column)} <> '' ORDER BY id LIMIT %s",
                [last, batch_size],
            )
            rows = cursor.fetchall()
        if not rows:
            return report
        last = rows[-1][0]
        for row in rows:
            pk, scope, name = row[0], row[1:-1], row[-1]
            if not store.exists(name):
                report.missing += 1
                continue
            if not store.header(name).bound and not bind:
                report.unbound += 1
                continue
            aad = file_aad(context, binding_text(pk, list(spec.scope), scope))
            if store.reencrypt(name, aad=aad, bind=bind):
                report.rewritten += 1


def bound_file_specs() -> list[FileSpec]:
    """Every column naming a bound file: ``BoundFileField``s, and the plain name columns a
    model lists in ``bound_file_columns`` (evidence writes its files itself, sealing while
    the upload streams in, with the same identity)."""
    from django.apps import apps

    return [
        FileSpec.of(model, cast(Any, f))
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, BoundFileField) or f.name in getattr(model, "bound_file_columns", ())
    ]
