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
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from himoya.accounts.models import (
    CASE_SCOPE,
    Organisation,
    Role,
    RoleChangeRequest,
    Team,
    User,
    widens_case_access,
)
from himoya.accounts.policies import role_grant_refusal
from himoya.core.audit import audit_record
from himoya.core.countries import country_code
from himoya.core.policies import SystemActor, require


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


def user_set_teams(*, actor: Any, user: User, teams: Iterable[Team]) -> User:
    """Sets the teams a member belongs to. A team opens its cases to a member whose role
    sees team cases, so adding one is a coordinator's decision (as is granting such a
    role, ``role_grant_refusal``); any manager of the organisation may remove one."""
    require(actor, "organisation.manage_staff", user.organisation)
    teams = list(teams)
    if any(t.organisation_id != user.organisation_id for t in teams):
        raise ValidationError(_("Choose teams of the staff member's organisation."))
    current = set(user.teams.values_list("pk", flat=True))
    wanted = {t.pk for t in teams}
    added, removed = sorted(wanted - current), sorted(current - wanted)
    if not added and not removed:
        return user
    opens_cases = added and CASE_SCOPE.get(user.role, 0) > 0
    if opens_cases and not _is_override(actor) and actor.role != Role.COORDINATOR:
        raise ValidationError(_("Only a coordinator can add a member to a team."))
    with transaction.atomic():
        user.teams.set(teams)
        audit_record(
            actor=actor,
            action="user.teams",
            obj=user,
            organisation=user.organisation,
            data={"added": added, "removed": removed},
        )
    return user


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
    _check_grant(actor, role)
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
        # A superuser's invitation needs no approval; the coordinators still hear of it
        # (the operator's commands, such as the demo, stay quiet).
        if widens_case_access(None, role) and getattr(actor, "is_superuser", False):
            _notify_coordinators(user=user, to_role=role, actor=actor, pending=False)
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


def _check_grant(actor: Any, role: str) -> None:
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))
    refusal = role_grant_refusal(actor, role)
    if refusal:
        raise ValidationError(refusal)


def _is_override(actor: Any) -> bool:
    """Instance superusers and the operator's commands need no second coordinator."""
    return isinstance(actor, SystemActor) or bool(actor.is_superuser)


def user_update(
    *, actor: Any, user: User, role: str | None = None, is_active: bool | None = None
) -> User:
    """Changes a member's role and whether the account is active.

    A role change that opens cases to the member (see ``widens_case_access``) is not
    applied but becomes a ``RoleChangeRequest`` for a second coordinator, unless a
    superuser makes it; either way the organisation's coordinators are told."""
    require(actor, "organisation.manage_staff", user.organisation)
    own = getattr(actor, "pk", None) == user.pk
    if own and is_active is False:
        raise ValidationError(_("You cannot deactivate your own account."))
    changed: dict[str, Any] = {}
    requested: str | None = None
    if role is not None and role != user.role:
        if own:
            raise ValidationError(_("You cannot change your own role."))
        _check_grant(actor, role)
        if widens_case_access(user.role, role) and not _is_override(actor):
            requested = role
        else:
            changed["role"] = [user.role, role]
    if requested and RoleChangeRequest.objects.filter(user=user, state="pending").exists():
        raise ValidationError(
            _("A role change for this staff member is already waiting for approval.")
        )
    if is_active is not None and is_active != user.is_active:
        changed["is_active"] = [user.is_active, is_active]
    if not changed and not requested:
        return user
    with transaction.atomic():
        if changed:
            if "role" in changed:
                user.role = changed["role"][1]
                user.is_staff = user.role == Role.ADMIN
            if "is_active" in changed:
                user.is_active = is_active  # type: ignore[assignment]
            user.save(update_fields=["role", "is_staff", "is_active"])
            audit_record(
                actor=actor,
                action="user.update",
                obj=user,
                organisation=user.organisation,
                data=changed,
            )
            if "role" in changed and widens_case_access(*changed["role"]):
                _notify_coordinators(user=user, to_role=user.role, actor=actor, pending=False)
        if requested:
            _role_change_request(actor=actor, user=user, to_role=requested)
    return user


def _role_change_request(*, actor: User, user: User, to_role: str) -> RoleChangeRequest:
    # A member the actor manages belongs to an organisation (organisation.manage_staff).
    assert user.organisation is not None
    request = RoleChangeRequest.objects.create(
        user=user,
        organisation=user.organisation,
        from_role=user.role,
        to_role=to_role,
        requested_by=actor,
    )
    audit_record(
        actor=actor,
        action="role.request",
        obj=user,
        organisation=user.organisation,
        data={"request": request.pk, "role": [user.role, to_role]},
    )
    _notify_coordinators(user=user, to_role=to_role, actor=actor, pending=True)
    return request


def _decide(*, actor: Any, request: RoleChangeRequest, approve: bool) -> RoleChangeRequest:
    require(actor, "role.decide", request)
    with transaction.atomic():
        request = RoleChangeRequest.objects.select_for_update().get(pk=request.pk)
        if request.state != RoleChangeRequest.State.PENDING:
            raise ValidationError(_("This role change has already been decided."))
        user = User.objects.select_for_update().get(pk=request.user_id)
        if approve and user.role != request.from_role:
            raise ValidationError(
                _("The staff member's role has changed since the request; ask again.")
            )
        request.state = (
            RoleChangeRequest.State.APPROVED if approve else RoleChangeRequest.State.REJECTED
        )
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.save(update_fields=["state", "decided_by", "decided_at"])
        if approve:
            user.role = request.to_role
            user.is_staff = user.role == Role.ADMIN
            user.save(update_fields=["role", "is_staff"])
        audit_record(
            actor=actor,
            action="role.approve" if approve else "role.reject",
            obj=user,
            organisation=request.organisation,
            data={"request": request.pk, "role": [request.from_role, request.to_role]},
        )
    return request


def role_change_approve(*, actor: Any, request: RoleChangeRequest) -> RoleChangeRequest:
    """Applies a pending role change; see the ``role.decide`` policy for who may."""
    return _decide(actor=actor, request=request, approve=True)


def role_change_reject(*, actor: Any, request: RoleChangeRequest) -> RoleChangeRequest:
    return _decide(actor=actor, request=request, approve=False)


def _notify_coordinators(*, user: User, to_role: str, actor: Any, pending: bool) -> None:
    """Mails the organisation's active coordinators (but the actor) once the change
    commits: a coerced or careless coordinator's grant does not go unseen."""
    recipients = list(
        User.objects.filter(
            organisation=user.organisation_id, role=Role.COORDINATOR, is_active=True
        ).exclude(pk__in=[pk for pk in (getattr(actor, "pk", None), user.pk) if pk])
    )
    if not recipients:
        return
    org_name = user.organisation.name if user.organisation else ""

    def send() -> None:
        for recipient in recipients:
            with translation.override(recipient.language or settings.LANGUAGE_CODE):
                context = {
                    "member": user,
                    "role": Role(to_role).label,
                    "actor": str(actor),
                    "organisation": org_name,
                    "pending": pending,
                }
                subject = (
                    _("Role change waiting for your approval: %(organisation)s")
                    if pending
                    else _("Role changed: %(organisation)s")
                ) % {"organisation": org_name}
                body = render_to_string("accounts/email/role_change.txt", context)
            send_mail(subject, body, None, [recipient.email])

    transaction.on_commit(send)


def user_set_language(*, user: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Unknown language."))
    with transaction.atomic():
        user.language = language
        user.save(update_fields=["language"])
        audit_record(actor=user, action="user.language", obj=user, data={"language": language})
