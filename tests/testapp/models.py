"""A test-only model exercising the encrypted fields and blind index of himoya.core."""

from django.db import models

from himoya.core.crypto import normalise_phone
from himoya.core.fields import BlindIndexField, EncryptedCharField, EncryptedTextField


class Secret(models.Model):
    name = EncryptedCharField(max_length=200)
    name_index = BlindIndexField(source="name")
    phone = EncryptedCharField(max_length=40, blank=True, null=True)
    phone_index = BlindIndexField(source="phone", normaliser=normalise_phone)
    story = EncryptedTextField(blank=True, default="")
    attachment = models.FileField(upload_to="secrets/", blank=True)

    class Meta:
        app_label = "testapp"
