"""Write services for organisations, teams and staff.

Each checks permission, runs in one transaction and writes its audit event in it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from himoya.accounts.models import Organisation, Role, Team, User
from himoya.core.audit import audit_record
from himoya.core.countries import country_code
from himoya.core.policies import require


def organisation_create(*, actor: Any, slug: str, name: str, country: str = "") -> Organisation:
    require(actor, "organisation.create")
    if Organisation.objects.filter(slug=slug).exists():
        raise ValidationError(
            _("An organisation with the short name %(slug)s already exists.") % {"slug": slug}
        )
    country = country_code(country) if country.strip() else ""
    with transaction.atomic():
        org = Organisation.objects.create(slug=slug, name=name, country=country)
        audit_record(actor=actor, action="organisation.create", obj=org, organisation=org)
    return org


def team_create(*, actor: Any, organisation: Organisation, name: str) -> Team:
    require(actor, "organisation.manage_staff", organisation)
    name = name.strip()
    if Team.objects.filter(organisation=organisation, name=name).exists():
        raise ValidationError(_("A team with this name already exists."))
    with transaction.atomic():
        team = Team.objects.create(organisation=organisation, name=name)
        audit_record(actor=actor, action="team.create", obj=team, organisation=organisation)
    return team


def team_set_members(*, actor: Any, team: Team, members: Iterable[User]) -> Team:
    require(actor, "organisation.manage_staff", team.organisation)
    members = list(members)
    foreign = [m for m in members if m.organisation_id != team.organisation_id]
    if foreign:
        raise ValidationError(_("Only staff of the team's organisation can be members."))
    with transaction.atomic():
        team.members.set(members)
        audit_record(
            actor=actor,
            action="team.members",
            obj=team,
            organisation=team.organisation,
            data={"members": sorted(m.pk for m in members)},
        )
    return team


def invitation_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("staff:invite_accept", kwargs={"uidb64": uid, "token": token})


def user_create(
    *,
    actor: Any,
    organisation: Organisation,
    email: str,
    full_name: str,
    role: str,
    teams: Iterable[Team] = (),
    password: str | None = None,
    language: str = "",
) -> User:
    """Creates a staff account (without a password unless one is given)."""
    require(actor, "organisation.manage_staff", organisation)
    email = email.strip().lower()
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))
    if (
        role == Role.ADMIN
        and getattr(actor, "is_authenticated", False)
        and not actor.is_superuser
        and actor.role != Role.ADMIN
    ):
        raise ValidationError(_("Only an administrator can invite an administrator."))
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(_("A staff member with this e-mail address already exists."))
    teams = list(teams)
    if any(t.organisation_id != organisation.pk for t in teams):
        raise ValidationError(_("Only teams of the same organisation can be chosen."))
    with transaction.atomic():
        user = User.objects.create_user(
            email,
            password,
            full_name=full_name.strip(),
            organisation=organisation,
            role=role,
            language=language,
            is_staff=role == Role.ADMIN,
        )
        for team in teams:
            team.members.add(user)
        audit_record(
            actor=actor,
            action="user.create",
            obj=user,
            organisation=organisation,
            data={"role": role, "teams": sorted(t.pk for t in teams)},
        )
    return user


def user_invite(
    *,
    actor: Any,
    organisation: Organisation,
    email: str,
    full_name: str,
    role: str,
    teams: Iterable[Team] = (),
    base_url: str = "",
    language: str = "",
) -> User:
    """Creates a staff account without a password and e-mails a link to set one.

    The new member must then set up TOTP before seeing anything.
    """
    with transaction.atomic():
        user = user_create(
            actor=actor,
            organisation=organisation,
            email=email,
            full_name=full_name,
            role=role,
            teams=teams,
            language=language,
        )
        audit_record(actor=actor, action="user.invite", obj=user, organisation=organisation)
        link = base_url.rstrip("/") + invitation_link(user)
        transaction.on_commit(lambda: _send_invitation(user, organisation, link))
    return user


def _send_invitation(user: User, organisation: Organisation, link: str) -> None:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {"user": user, "organisation": organisation, "link": link}
        subject = _("Invitation to Himoya: %(organisation)s") % {"organisation": organisation.name}
        body = render_to_string("accounts/email/invitation.txt", context)
    send_mail(subject, body, None, [user.email])


def invitation_accept(*, user: User, password: str) -> User:
    """Sets the invited member's password; the token check is the caller's (the view)."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=user, action="user.invitation_accepted", obj=user)
    return user


def user_update(
    *, actor: Any, user: User, role: str | None = None, is_active: bool | None = None
) -> User:
    require(actor, "organisation.manage_staff", user.organisation)
    if getattr(actor, "pk", None) == user.pk and is_active is False:
        raise ValidationError(_("You cannot deactivate your own account."))
    changed: dict[str, Any] = {}
    if role is not None and role != user.role:
        if role not in Role.values:
            raise ValidationError(_("Unknown role."))
        changed["role"] = [user.role, role]
        user.role = role
        user.is_staff = role == Role.ADMIN
    if is_active is not None and is_active != user.is_active:
        changed["is_active"] = [user.is_active, is_active]
        user.is_active = is_active
    if not changed:
        return user
    with transaction.atomic():
        user.save(update_fields=["role", "is_staff", "is_active"])
        audit_record(
            actor=actor,
            action="user.update",
            obj=user,
            organisation=user.organisation,
            data=changed,
        )
    return user


def user_set_language(*, user: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Unknown language."))
    with transaction.atomic():
        user.language = language
        user.save(update_fields=["language"])
        audit_record(actor=user, action="user.language", obj=user, data={"language": language})
