"""Write services for publications, trainings and offices: the staff pages' adds and
edits. The register imports (``himoya.imports``) write the same models in bulk with the
same rules (``check_publication``, ``check_training``)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from himoya.accounts.models import Organisation
from himoya.core.audit import audit_record
from himoya.core.changes import save_changed
from himoya.core.countries import country_code
from himoya.core.policies import require
from himoya.outreach.models import LANGUAGES, Audience, Office, Publication, Training
from himoya.outreach.phones import normalise_hotline
from himoya.reference.models import Region


def _external_id(model: type[Model], organisation: Organisation, given: str) -> str:
    """The register number: the one given, or a new one ("web-…") for a record entered
    in the staff pages, so that a later register import can name it."""
    given = given.strip()
    if not given:
        return f"web-{secrets.token_hex(5)}"
    if model._default_manager.filter(organisation=organisation, external_id=given).exists():
        raise ValidationError(
            {
                "external_id": _("The register number “%(value)s” is already used.")
                % {"value": given}
            }
        )
    return given


def _not_in_future(day: dt.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


# ---------------------------------------------------------------- publications


def check_publication(*, published_on: dt.date, language: str, title: str, kind: str) -> None:
    errors: dict[str, str] = {}
    if published_on > timezone.localdate():
        errors["published_on"] = _("The date cannot be in the future.")
    if language not in LANGUAGES:
        errors["language"] = _("Unknown value “%(value)s”.") % {"value": language}
    if not title.strip():
        errors["title"] = _("Enter the title.")
    if kind and kind not in Publication.Kind.values:
        errors["kind"] = _("Unknown value “%(value)s”.") % {"value": kind}
    if errors:
        raise ValidationError(errors)


def publication_create(
    *,
    actor: Any,
    organisation: Organisation,
    published_on: dt.date,
    language: str,
    title: str,
    kind: str = "",
    url: str = "",
    external_id: str = "",
    public: bool = False,
) -> Publication:
    require(actor, "outreach.manage", organisation)
    check_publication(published_on=published_on, language=language, title=title, kind=kind)
    with transaction.atomic():
        publication = Publication.objects.create(
            organisation=organisation,
            external_id=_external_id(Publication, organisation, external_id),
            published_on=published_on,
            language=language,
            title=title.strip(),
            kind=kind,
            url=url,
            public=public,
        )
        audit_record(
            actor=actor,
            action="publication.create",
            obj=publication,
            organisation=organisation,
            data={"publication": publication.pk},
        )
    return publication


def publication_update(
    *,
    actor: Any,
    publication: Publication,
    published_on: dt.date,
    language: str,
    title: str,
    kind: str = "",
    url: str = "",
    public: bool = False,
) -> Publication:
    require(actor, "outreach.manage", publication.organisation)
    check_publication(published_on=published_on, language=language, title=title, kind=kind)
    with transaction.atomic():
        locked = Publication.objects.select_for_update().get(pk=publication.pk)
        values = {
            "published_on": published_on,
            "language": language,
            "title": title.strip(),
            "kind": kind,
            "url": url,
            "public": public,
        }
        save_changed(
            actor=actor,
            obj=locked,
            values=values,
            action="publication.update",
            organisation=locked.organisation,
            key="publication",
        )
    return locked


# ---------------------------------------------------------------- trainings


def check_training(
    *, held_on: dt.date, topic: str, audiences: Iterable[str], participants: int, language: str
) -> list[str]:
    """The audiences in their canonical order (no repeats), or a ValidationError."""
    errors: dict[str, str] = {}
    if held_on > timezone.localdate():
        errors["held_on"] = _("The date cannot be in the future.")
    if not topic.strip():
        errors["topic"] = _("Enter the topic.")
    given = set(audiences)
    unknown = sorted(given - set(Audience.values))
    if unknown:
        errors["audiences"] = _("Unknown value “%(value)s”.") % {"value": unknown[0]}
    elif not given:
        errors["audiences"] = _("Name at least one audience.")
    if participants < 0:
        errors["participants"] = _("Enter a whole number, 0 or more.")
    if language and language not in LANGUAGES:
        errors["language"] = _("Unknown value “%(value)s”.") % {"value": language}
    if errors:
        raise ValidationError(errors)
    return [code for code in Audience.values if code in given]


def training_create(
    *,
    actor: Any,
    organisation: Organisation,
    held_on: dt.date,
    topic: str,
    audiences: Iterable[str],
    participants: int,
    language: str = "",
    place: str = "",
    url: str = "",
    external_id: str = "",
) -> Training:
    require(actor, "outreach.manage", organisation)
    ordered = check_training(
        held_on=held_on,
        topic=topic,
        audiences=audiences,
        participants=participants,
        language=language,
    )
    with transaction.atomic():
        training = Training.objects.create(
            organisation=organisation,
            external_id=_external_id(Training, organisation, external_id),
            held_on=held_on,
            topic=topic.strip(),
            audiences=ordered,
            participants=participants,
            language=language,
            place=place.strip(),
            url=url,
        )
        audit_record(
            actor=actor,
            action="training.create",
            obj=training,
            organisation=organisation,
            data={"training": training.pk},
        )
    return training


def training_update(
    *,
    actor: Any,
    training: Training,
    held_on: dt.date,
    topic: str,
    audiences: Iterable[str],
    participants: int,
    language: str = "",
    place: str = "",
    url: str = "",
) -> Training:
    require(actor, "outreach.manage", training.organisation)
    ordered = check_training(
        held_on=held_on,
        topic=topic,
        audiences=audiences,
        participants=participants,
        language=language,
    )
    with transaction.atomic():
        locked = Training.objects.select_for_update().get(pk=training.pk)
        values = {
            "held_on": held_on,
            "topic": topic.strip(),
            "audiences": ordered,
            "participants": participants,
            "language": language,
            "place": place.strip(),
            "url": url,
        }
        save_changed(
            actor=actor,
            obj=locked,
            values=values,
            action="training.update",
            organisation=locked.organisation,
            key="training",
        )
    return locked


# ---------------------------------------------------------------- offices


def _office_values(
    *,
    organisation: Organisation,
    name: str,
    kind: str,
    country: str,
    region: Region | None,
    address: str,
    hotlines: Iterable[str],
    exclude: int | None = None,
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    name = " ".join(name.split())
    if not name:
        errors["name"] = [_("Enter the name.")]
    elif (
        Office.objects.filter(organisation=organisation, name__iexact=name)
        .exclude(pk=exclude or 0)
        .exists()
    ):
        errors["name"] = [_("Your organisation already has an office of this name.")]
    if kind not in Office.Kind.values:
        errors["kind"] = [_("Unknown value “%(value)s”.") % {"value": kind}]
    try:
        country = country_code(country)
    except ValidationError as exc:
        errors["country"] = exc.messages
    if region is not None and region.country != country:
        errors["region"] = [_("The region is not in the chosen country.")]
    if not address.strip():
        errors["address"] = [_("Enter the address.")]
    numbers: list[str] = []
    for raw in hotlines:
        if not raw.strip():
            continue
        try:
            number = normalise_hotline(raw)
        except ValidationError as exc:
            errors.setdefault("hotlines", []).extend(exc.messages)
            continue
        if number not in numbers:
            numbers.append(number)
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "kind": kind,
        "country": country,
        "region": region,
        "address": address.strip(),
        "hotlines": numbers,
    }


def office_create(
    *,
    actor: Any,
    organisation: Organisation,
    name: str,
    country: str,
    address: str,
    kind: str = Office.Kind.BRANCH,
    region: Region | None = None,
    hotlines: Iterable[str] = (),
) -> Office:
    require(actor, "outreach.manage", organisation)
    values = _office_values(
        organisation=organisation,
        name=name,
        kind=kind,
        country=country,
        region=region,
        address=address,
        hotlines=hotlines,
    )
    with transaction.atomic():
        office = Office.objects.create(organisation=organisation, **values)
        audit_record(
            actor=actor,
            action="office.create",
            obj=office,
            organisation=organisation,
            data={"office": office.pk},
        )
    return office


def office_update(
    *,
    actor: Any,
    office: Office,
    name: str,
    country: str,
    address: str,
    kind: str,
    region: Region | None = None,
    hotlines: Iterable[str] = (),
    active: bool = True,
) -> Office:
    require(actor, "outreach.manage", office.organisation)
    values = _office_values(
        organisation=office.organisation,
        name=name,
        kind=kind,
        country=country,
        region=region,
        address=address,
        hotlines=hotlines,
        exclude=office.pk,
    )
    values["active"] = active
    with transaction.atomic():
        locked = Office.objects.select_for_update().get(pk=office.pk)
        save_changed(
            actor=actor,
            obj=locked,
            values=values,
            action="office.update",
            organisation=locked.organisation,
            key="office",
        )
    return locked
