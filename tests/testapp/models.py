"""A test-only model exercising the encrypted fields and blind index of himoya.core."""

from django.db import models

from himoya.core.crypto import normalise_phone
from himoya.core.fields import (
    BlindIndexField,
    EncryptedCharField,
    EncryptedTextField,
    SealedAutoField,
)


class Secret(models.Model):
    id = SealedAutoField(primary_key=True)
    name = EncryptedCharField(max_length=200)
    name_index = BlindIndexField(source="name")
    phone = EncryptedCharField(max_length=40, blank=True, null=True)
    phone_index = BlindIndexField(source="phone", normaliser=normalise_phone)
    story = EncryptedTextField(blank=True, default="")
    attachment = models.FileField(upload_to="secrets/", blank=True)

    class Meta:
        app_label = "testapp"

    def __str__(self) -> str:
        return f"secret #{self.pk}"


class VisibleManager(models.Manager["Archived"]):
    """A default manager that hides rows, as soft deletion would: code that must reach
    every row (key rotation) cannot rely on the default manager."""

    def get_queryset(self) -> models.QuerySet["Archived"]:
        return super().get_queryset().filter(hidden=False)


class Archived(models.Model):
    id = SealedAutoField(primary_key=True)
    note = EncryptedTextField(blank=True, default="")
    hidden = models.BooleanField(default=False)

    objects = VisibleManager()

    class Meta:
        app_label = "testapp"

    def __str__(self) -> str:
        return f"archived #{self.pk}"
