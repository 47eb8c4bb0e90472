"""factory_boy factories. Every name they make is invented."""

from __future__ import annotations

import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from himoya.accounts.models import Organisation, Role, Team, User

PASSWORD = "correct-horse-battery-staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"org{n}")
    name = factory.Sequence(lambda n: f"Тестовая организация {n}")
    country = "KZ"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Команда {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.invalid")
    full_name = factory.Sequence(lambda n: f"Сотрудник Тестовый {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.LAWYER

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):  # noqa: N805
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def totp(obj, create, extracted, **kwargs):  # noqa: N805
        """``totp=False`` leaves the account without a device; otherwise a secret is
        kept on ``obj.totp_secret`` for tests that must type codes."""
        if not create or extracted is False:
            return
        secret = generate_totp_secret()
        TOTP.activate(obj, secret)
        obj.totp_secret = secret


def has_totp(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
