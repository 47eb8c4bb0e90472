"""Factories. Every name they make is invented.

Staff, teams and organisations are plain rows (factory_boy). Appeals and cases are made
the way the staff app makes them, through ``services.appeal_register``, so a test's case
has its parties, violations, statistical snapshot, timeline, audit events and search
document exactly as a real one (after Sentry's ``testutils/factories.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from himoya.accounts.models import Organisation, Role, Team, User
from himoya.cases import services
from himoya.cases.models import Appeal, Case

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


def appeal_input(**overrides: Any) -> services.AppealInput:
    """An appeal as intake types it: received yesterday by phone, consent given, a
    fictional victim, torture by the police in Kazakhstan; ``overrides`` replace any of
    the ``AppealInput`` fields."""
    values: dict[str, Any] = {
        "received_on": timezone.localdate() - dt.timedelta(days=1),
        "channel": "phone",
        "consent_processing": True,
        "victim": services.PersonInput(full_name="Примеров Арман"),
        "country": "KZ",
        "violations": ["torture"],
        "agency": "police",
    }
    values.update(overrides)
    return services.AppealInput(**values)


def register_appeal(
    actor: Any,
    organisation: Organisation | None = None,
    *,
    case: Case | None = None,
    attachment: Any = None,
    **overrides: Any,
) -> Appeal:
    """Registers ``appeal_input(**overrides)`` through the service as ``actor`` (in the
    actor's organisation unless another is named); with ``case`` it joins that case."""
    return services.appeal_register(
        actor=actor,
        organisation=organisation or actor.organisation,
        data=appeal_input(**overrides),
        case=case,
        attachment=attachment,
    )


def open_case(actor: Any, organisation: Organisation | None = None, **overrides: Any) -> Case:
    """A new case opened by an appeal registered as ``actor``; a lawyer is its lawyer."""
    if actor is not None and getattr(actor, "role", None) == Role.LAWYER:
        overrides.setdefault("lawyer", actor.pk)
    return register_appeal(actor, organisation, **overrides).case
