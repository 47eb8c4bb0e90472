"""Model fields that keep their values encrypted at rest, and blind indexes over them."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import FieldError
from django.db import models

from himoya.core import crypto


class EncryptedMixin:
    """Encrypts on the way to the database, decrypts on the way back.

    Only ``isnull`` can be looked up: anything else would compare ciphertexts.
    """

    name: str
    model: type[models.Model]

    @property
    def crypto_context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return self.decode(crypto.decrypt(value, context=self.crypto_context))

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)  # type: ignore[misc]
        if value is None:
            return None
        return crypto.encrypt(self.encode(value), context=self.crypto_context)

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


class EncryptedTextField(EncryptedMixin, models.TextField):
    """Free text (narratives, notes), encrypted with AES-GCM."""


class EncryptedCharField(EncryptedMixin, models.CharField):
    """Short identifying text (names, phone numbers); ``max_length`` limits the plaintext."""

    def cast_db_type(self, connection: Any) -> str | None:
        return self.db_type(connection)


class EncryptedJSONField(EncryptedMixin, models.TextField):
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
    into its canonical form (an empty result stores NULL, so it never matches).
    """

    def __init__(
        self,
        *args: Any,
        source: str = "",
        normaliser: Callable[[str], str] = crypto.normalise_text,
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

    def compute(self, plain: str | None) -> str | None:
        if plain is None:
            return None
        normal = self.normaliser(plain)
        if not normal:
            return None
        return crypto.blind_index(normal, purpose=self.index_purpose())

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = self.compute(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


def blind_lookup(model: type[models.Model], field_name: str, plain: str) -> dict[str, Any]:
    """The filter kwargs that find rows whose ``field_name`` index matches ``plain``."""
    field = model._meta.get_field(field_name)
    assert isinstance(field, BlindIndexField)
    # Not hexadecimal, so no stored index equals it (and no NUL: PostgreSQL refuses those).
    return {field_name: field.compute(plain) or "-no-match-"}


def encrypted_fields(model: type[models.Model]) -> list[EncryptedMixin]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin)]


def blind_index_fields(model: type[models.Model]) -> list[BlindIndexField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]
