"""Organisations, teams and staff accounts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """A member organisation of the instance (a coalition runs several in one)."""

    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="teams", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=120)
    members = models.ManyToManyField(
        "accounts.User", related_name="teams", blank=True, verbose_name=_("members")
    )

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique_in_org")
        ]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    LAWYER = "lawyer", _("Lawyer")
    MONITOR = "monitor", _("Monitor")
    DOCTOR = "doctor", _("Doctor")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    INTAKE = "intake", _("Intake operator")
    ANALYST = "analyst", _("Analyst")
    ADMIN = "admin", _("Administrator")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("a user needs an e-mail address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.ADMIN)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A staff member. Victims and relatives never have accounts here."""

    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.LAWYER)
    language = models.CharField(_("interface language"), max_length=8, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("may open the admin site"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []  # noqa: RUF012

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")

    def __str__(self) -> str:
        return self.full_name or self.email

    def has_role(self, *roles: str) -> bool:
        return self.is_active and self.role in roles

    @property
    def is_org_manager(self) -> bool:
        """Coordinators and administrators manage their organisation's staff and teams."""
        return self.has_role(Role.COORDINATOR, Role.ADMIN) or self.is_superuser


# How far each role sees into cases: 2 every case of the organisation, 1 the cases of
# the member's teams and its own (a doctor's or psychologist's own: those they are
# assigned to, each by an explicit decision on the case), 0 none. The rule itself is
# ``cases.selectors._visibility``; tests/accounts/test_role_changes.py keeps the two in step.
CASE_SCOPE: dict[str, int] = {
    Role.COORDINATOR: 2,
    Role.LAWYER: 1,
    Role.MONITOR: 1,
    Role.DOCTOR: 1,
    Role.PSYCHOLOGIST: 1,
    Role.INTAKE: 1,
    Role.ANALYST: 0,
    Role.ADMIN: 0,
}


def widens_case_access(from_role: str | None, to_role: str) -> bool:
    """Whether moving a member from ``from_role`` to ``to_role`` opens cases to them
    (None: a new account)."""
    return CASE_SCOPE[to_role] > CASE_SCOPE.get(from_role or "", 0)


class RoleChangeRequest(models.Model):
    """A role change that opens cases to a member, waiting for a second coordinator."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_requests", verbose_name=_("staff member")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    from_role = models.CharField(_("current role"), max_length=20, choices=Role.choices)
    to_role = models.CharField(_("requested role"), max_length=20, choices=Role.choices)
    requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now, editable=False)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    decided_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(state="pending"),
                name="role_request_one_pending",
            )
        ]
        verbose_name = _("role change request")
        verbose_name_plural = _("role change requests")

    def __str__(self) -> str:
        return f"{self.from_role} → {self.to_role}"
