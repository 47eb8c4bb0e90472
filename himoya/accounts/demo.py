"""Demo organisations, teams and staff of every role (fictional)."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP

from himoya.accounts.models import Organisation, Role, Team, User
from himoya.accounts.services import organisation_create, team_create, user_create
from himoya.core.demo_loader import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, DemoContext, demo_totp_secret

ORGANISATIONS = [
    ("demo-kz", "Демо-бюро по правам человека (Алматы)", "KZ"),
    ("demo-tj", "Демо-коалиция против пыток (Душанбе)", "TJ"),
]

TEAMS = {
    "demo-kz": ["Юристы Алматы", "Мониторинговая группа"],
    "demo-tj": ["Правовая группа Душанбе", "Реабилитация"],
}

# (local part, full name, role, team index or None): invented people.
STAFF = {
    "demo-kz": [
        ("coordinator", "Айгерим Демесова", Role.COORDINATOR, 0),
        ("lawyer", "Ерлан Тестов", Role.LAWYER, 0),
        ("lawyer2", "Динара Примерова", Role.LAWYER, 1),
        ("monitor", "Нурлан Образцов", Role.MONITOR, 1),
        ("doctor", "Сауле Вымыслова", Role.DOCTOR, None),
        ("psychologist", "Асель Условная", Role.PSYCHOLOGIST, None),
        ("intake", "Бауыржан Пробный", Role.INTAKE, 0),
        ("analyst", "Жанар Аналитикова", Role.ANALYST, None),
        ("admin", "Марат Админов", Role.ADMIN, None),
    ],
    "demo-tj": [
        ("coordinator", "Фарзона Намунаева", Role.COORDINATOR, 0),
        ("lawyer", "Рустам Санҷишев", Role.LAWYER, 0),
        ("doctor", "Мадина Тахайюлова", Role.DOCTOR, 1),
        ("psychologist", "Сино Мисолова", Role.PSYCHOLOGIST, 1),
        ("intake", "Далер Озмоишев", Role.INTAKE, 0),
        ("analyst", "Нилуфар Ҳисобова", Role.ANALYST, None),
    ],
}


def _ensure_totp(user: User) -> None:
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, demo_totp_secret(user.email))
        RecoveryCodes.activate(user)


def load(ctx: DemoContext) -> None:
    logins: list[tuple[str, str, str]] = []
    for slug, name, country in ORGANISATIONS:
        org = Organisation.objects.filter(slug=slug).first() or organisation_create(
            actor=ctx.actor, slug=slug, name=name, country=country
        )
        ctx.objects[f"org:{slug}"] = org
        teams = []
        for team_name in TEAMS[slug]:
            team = Team.objects.filter(organisation=org, name=team_name).first() or team_create(
                actor=ctx.actor, organisation=org, name=team_name
            )
            teams.append(team)
            ctx.objects[f"team:{slug}:{team_name}"] = team
        for local, full_name, role, team_index in STAFF[slug]:
            email = f"{local}.{slug}@{DEMO_EMAIL_DOMAIN}"
            user = User.objects.filter(email=email).first()
            if user is None:
                user = user_create(
                    actor=ctx.actor,
                    organisation=org,
                    email=email,
                    full_name=full_name,
                    role=role,
                    teams=[teams[team_index]] if team_index is not None else [],
                    password=DEMO_PASSWORD,
                )
            _ensure_totp(user)
            ctx.objects[f"user:{slug}:{local}"] = user
            logins.append((email, str(role), slug))
    ctx.objects["logins"] = logins
