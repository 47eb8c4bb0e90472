"""Model fields that keep their values encrypted at rest, and blind indexes over them."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, cast

from django.core.exceptions import FieldError
from django.db import connections, models, router
from django.db.models import Case, Value, When
from django.db.models.functions import Cast
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init

from himoya.core import crypto


class Sealed:
    """A stored token as read from the database, not yet opened.

    ``row`` is the row binding the instance had when it was loaded (None when its key or
    owner column was not loaded). Not a ``str``: it cannot be shown or compared by
    mistake in place of the plaintext. ``values()``/``values_list()`` of an encrypted
    field return these; open them with ``EncryptedMixin.open_row``.
    """

    __slots__ = ("token", "row")

    def __init__(self, token: str, row: str | None = None) -> None:
        self.token = token
        self.row = row

    def __repr__(self) -> str:
        return "<sealed value>"


def encryption_scope(model: type[models.Model]) -> tuple[str, ...]:
    """The columns of a row, besides its primary key, that its ciphertexts are bound to:
    the organisation, or the case or person the row belongs to (see docs/architecture.md).
    Models declare it as ``encryption_scope``."""
    return tuple(getattr(model, "encryption_scope", ()))


def row_binding(model: type[models.Model], pk: Any, scope: Any) -> str:
    """The row part of a ciphertext's associated data; ``scope`` holds the values of
    ``encryption_scope(model)`` in order."""
    names = encryption_scope(model)
    values = list(scope)
    if pk is None or len(values) != len(names):
        raise ValueError(f"{model._meta.label}: a row binding needs the key and {names}")
    return binding_text(pk, names, values)


def binding_text(pk: Any, names: Any, values: Any) -> str:
    """The one spelling of a row's identity (key, then scope columns by name), shared by
    the models, the raw-SQL rewrites (``rebind``) and stored files (``filefields``)."""
    return ";".join(
        [f"pk={pk}", *(f"{n}={'' if v is None else v}" for n, v in zip(names, values, strict=True))]
    )


def instance_binding(instance: models.Model, *, loaded_only: bool = False) -> str | None:
    model = type(instance)
    names = ("pk", *encryption_scope(model))
    data = instance.__dict__
    pk_name = model._meta.pk.attname
    if loaded_only and any((pk_name if n == "pk" else n) not in data for n in names):
        return None
    values = [instance.pk, *(getattr(instance, n) for n in names[1:])]
    if values[0] is None:
        return None
    return row_binding(model, values[0], values[1:])


class EncryptedAttribute(DeferredAttribute):
    """Opens a sealed value on first access, with the row the instance was loaded as."""

    field: EncryptedMixin  # type: ignore[assignment]

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            value = self.field.open(instance, value)
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        # A data descriptor, so that reads come through __get__ even once the value is
        # in the instance's __dict__ (where loading puts the sealed token).
        instance.__dict__[self.field.attname] = value


def _stamp(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """On loading, records with each sealed value the row it was read from, so a save
    after the key or owner changed (a copy, a move) re-encrypts it for the new row."""
    sealed = [v for v in instance.__dict__.values() if isinstance(v, Sealed)]
    if sealed:
        row = instance_binding(instance, loaded_only=True)
        for value in sealed:
            value.row = row


class EncryptedMixin:
    """Encrypts on save, bound to the row (``hm2``); decrypts on first access.

    Encryption happens in ``pre_save``, which knows the instance: its primary key (taken
    from the sequence before the INSERT, see ``SealedAutoField``) and its
    ``encryption_scope``. Only ``isnull`` can be looked up: anything else would compare
    ciphertexts.
    """

    name: str
    attname: str
    model: type[models.Model]
    descriptor_class = EncryptedAttribute

    def contribute_to_class(self, cls: type[models.Model], name: str, **kwargs: Any) -> None:
        super().contribute_to_class(cls, name, **kwargs)  # type: ignore[misc]
        if not cls._meta.abstract:
            post_init.connect(
                _stamp, sender=cls, weak=False, dispatch_uid=f"himoya-seal-{cls._meta.label}"
            )

    @property
    def crypto_context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return Sealed(value)

    def open(self, instance: models.Model, value: Sealed) -> Any:
        from himoya.core.damage import DamagedValue

        row = value.row or instance_binding(instance)
        try:
            return self.decode(crypto.decrypt(value.token, context=self.crypto_context, row=row))
        except crypto.DecryptionError as exc:
            raise DamagedValue(
                str(exc), model=self.model._meta.label_lower, pk=instance.pk, field=self.name
            ) from None

    def open_row(self, value: Sealed | None, *, pk: Any, scope: Any) -> Any:
        """A value read with ``values()``: opened with its row's key and scope values."""
        if value is None:
            return None
        row = row_binding(self.model, pk, scope)
        return self.decode(crypto.decrypt(value.token, context=self.crypto_context, row=row))

    def seal(self, plain: Any, row: str) -> Sealed | None:
        if plain is None:
            return None
        return Sealed(crypto.encrypt(self.encode(plain), context=self.crypto_context, row=row), row)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = model_instance.__dict__.get(self.attname)
        row = instance_binding(model_instance)
        if row is None:
            raise ValueError(
                f"{self.crypto_context}: the row's key must be known before encryption "
                "(give the model a SealedAutoField primary key)"
            )
        if isinstance(value, Sealed):
            if value.row == row and crypto.token_version(value.token) == crypto.ROW_PREFIX:
                return value  # unchanged and bound to this row already: kept as it is
            value = self.open(model_instance, value)
        return self.seal(value, row)

    def get_prep_value(self, value: Any) -> Any:
        if value is None or isinstance(value, Sealed):
            return None if value is None else value.token
        raise ValueError(
            f"{self.crypto_context} is encrypted for its row: write it with save() or "
            "himoya.core.fields.bulk_update, not with a queryset update"
        )

    def encode(self, value: Any) -> str:
        return str(value)

    def decode(self, value: str) -> Any:
        return value

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            raise FieldError(
                f"{self.crypto_context} is encrypted: look it up through its blind index"
            )
        return super().get_lookup(lookup_name)  # type: ignore[misc]

    def get_internal_type(self) -> str:
        return "TextField"

    def db_type(self, connection: Any) -> str | None:
        return models.TextField().db_type(connection)


class SealedAutoField(models.BigAutoField):
    """A primary key taken from the table's sequence before the INSERT, so the values of
    the new row can be encrypted bound to it (one ``nextval`` per new row)."""

    def get_pk_value_on_save(self, instance: models.Model) -> Any:
        table = self.model._meta.db_table
        with connections[router.db_for_write(self.model)].cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s))", [table, self.column])
            return cursor.fetchone()[0]

    def has_default(self) -> bool:
        # A new instance's key comes fresh from the sequence: save() may INSERT directly
        # instead of trying an UPDATE first.
        return True

    def get_default(self) -> Any:
        return None


def bulk_update(
    model: type[models.Model], objs: list[Any], fields: list[str], batch_size: int = 500
) -> None:
    """``QuerySet.bulk_update`` for models with encrypted fields: each value is sealed for
    its own row (Django's would pass the plaintext without the row)."""
    chosen = [cast(models.Field, model._meta.get_field(name)) for name in fields]
    for start in range(0, len(objs), batch_size):
        batch = objs[start : start + batch_size]
        updates: dict[str, Any] = {}
        for f in chosen:
            whens = [When(pk=o.pk, then=Value(_update_value(f, o), output_field=f)) for o in batch]
            updates[f.attname] = Cast(Case(*whens, output_field=f), output_field=f)
        model._base_manager.filter(pk__in=[o.pk for o in batch]).update(**updates)


def value_for_update(obj: models.Model, name: str) -> Any:
    """The value of ``obj``'s field ``name`` for ``QuerySet.update``: an encrypted field's
    is sealed for ``obj``'s row."""
    return _update_value(obj._meta.get_field(name), obj)


def _update_value(f: Any, obj: models.Model) -> Any:
    if isinstance(f, EncryptedMixin):
        return f.pre_save(obj, add=False)
    return getattr(obj, f.attname)


class EncryptedTextField(EncryptedMixin, models.TextField):  # type: ignore[misc]
    """Free text (narratives, notes), encrypted with AES-GCM."""


class EncryptedCharField(EncryptedMixin, models.CharField):  # type: ignore[misc]
    """Short identifying text (names, phone numbers); ``max_length`` limits the plaintext."""

    def cast_db_type(self, connection: Any) -> str | None:
        return self.db_type(connection)


class EncryptedJSONField(EncryptedMixin, models.TextField):  # type: ignore[misc]
    """A JSON value (lists and maps of plain values) encrypted whole, for reports that
    may quote personal data (an import's list of problems)."""

    def to_python(self, value: Any) -> Any:
        # The value itself, not its str(): it is encoded as JSON before encryption.
        return value

    def encode(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    def decode(self, value: str) -> Any:
        return json.loads(value)


class BlindIndexField(models.CharField):
    """HMAC of a normalised source field, kept in step on every save.

    ``source`` names the encrypted field it indexes; ``normaliser`` turns the plaintext
    into its canonical form (an empty result stores NULL, so it never matches). A
    normaliser with a true ``by_organisation`` attribute also receives the organisation
    id (phone numbers are read in the organisation's country).
    """

    def __init__(
        self,
        *args: Any,
        source: str = "",
        normaliser: Callable[..., str] = crypto.normalise_text,
        purpose: str = "",
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        self.source = source
        self.normaliser = normaliser
        self.purpose = purpose
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["purpose"] = self.purpose
        for key in ("max_length", "null", "blank", "editable", "db_index"):
            kwargs.pop(key, None)
        return name, path, args, kwargs

    def index_purpose(self) -> str:
        return self.purpose or f"{self.model._meta.label_lower}.{self.source}"

    def compute(self, plain: str | None, organisation_id: int | None = None) -> str | None:
        """The index of ``plain`` under ``organisation_id``'s sub-key (finding 8: equal
        values of two organisations must not be linkable)."""
        if plain is None:
            return None
        if getattr(self.normaliser, "by_organisation", False):
            normal = self.normaliser(plain, organisation_id)
        else:
            normal = self.normaliser(plain)
        if not normal:
            return None
        return crypto.blind_index(
            normal, purpose=self.index_purpose(), organisation_id=organisation_id
        )

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = self.compute(
            getattr(model_instance, self.source), index_organisation(model_instance)
        )
        setattr(model_instance, self.attname, value)
        return value


def index_organisation(instance: models.Model) -> int | None:
    """The organisation whose sub-key indexes this row (None: a model of no organisation)."""
    return getattr(instance, "organisation_id", None)


def blind_lookup(
    model: type[models.Model], field_name: str, plain: str, organisation_id: int | None = None
) -> dict[str, Any]:
    """The filter kwargs that find the rows of ``organisation_id`` whose ``field_name``
    index matches ``plain``. Indexes are per organisation, so the filter names it too."""
    field = model._meta.get_field(field_name)
    assert isinstance(field, BlindIndexField)
    found: dict[str, Any] = {field_name: field.compute(plain, organisation_id) or "-no-match-"}
    # Not hexadecimal, so no stored index equals it (and no NUL: PostgreSQL refuses those).
    if organisation_id is not None:
        found["organisation_id"] = organisation_id
    return found


def encrypted_fields(model: type[models.Model]) -> list[Any]:
    """The encrypted fields of ``model`` (``EncryptedMixin`` model fields)."""
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin)]


def blind_index_fields(model: type[models.Model]) -> list[BlindIndexField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]
