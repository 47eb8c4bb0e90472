"""Persons, appeals, cases and what hangs off them.

What identifies a person or tells their story is encrypted (EncryptedCharField /
EncryptedTextField); what statistics and filters need stays plain: vocabulary terms,
dates, country, region, facility, sex, minor flag, status.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from himoya.core import phones
from himoya.core.crypto import normalise_text
from himoya.core.fields import (
    BlindIndexField,
    EncryptedCharField,
    EncryptedTextField,
    SealedAutoField,
)
from himoya.core.filefields import BoundFileField
from himoya.core.folding import name_skeleton
from himoya.reference.models import Facility, Partner, Region, Term

ORG = "accounts.Organisation"


class Sex(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")
    OTHER = "other", _("other")
    UNKNOWN = "unknown", _("unknown")


class Person(models.Model):
    """Any human in the records. Identifying fields are encrypted; blind indexes allow
    exact-match de-duplication within the organisation."""

    id = SealedAutoField(primary_key=True)
    # Its ciphertexts are bound to the row and to this (docs/architecture.md).
    encryption_scope = ("organisation_id",)
    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+")
    full_name = EncryptedCharField(_("full name"), max_length=300)
    name_index = BlindIndexField(source="full_name", normaliser=normalise_text)
    # The name in any script (Джамшед, Ҷамшед, Jamshed): duplicate hints (docs/search.md).
    name_skeleton_index = BlindIndexField(
        source="full_name", normaliser=name_skeleton, purpose="cases.person.full_name.skeleton"
    )
    phone = EncryptedCharField(_("phone"), max_length=60, blank=True, default="")
    phone_index = BlindIndexField(source="phone", normaliser=phones.index_normal)
    email = EncryptedCharField(_("e-mail"), max_length=254, blank=True, default="")
    address = EncryptedCharField(_("address"), max_length=500, blank=True, default="")
    document_number = EncryptedCharField(
        _("identity document number"), max_length=60, blank=True, default=""
    )
    document_index = BlindIndexField(source="document_number", normaliser=normalise_text)
    # "YYYY-MM-DD" or "YYYY": identifying, so encrypted; the minor flag is kept plain.
    birth_date = EncryptedCharField(
        _("date or year of birth"), max_length=10, blank=True, default=""
    )
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    notes = EncryptedTextField(_("notes"), blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        # str() reaches admin titles, logs, error reports and form widgets: a person's
        # name is shown only where a page asks for ``full_name`` after its access check.
        return f"{self._meta.verbose_name} #{self.pk}"


class CaseStatus(models.TextChoices):
    NEW = "new", _("new")
    IN_REVIEW = "in_review", _("in review")
    IN_PROGRESS = "in_progress", _("in progress")
    AWAITING_ANSWER = "awaiting_answer", _("awaiting answer")
    CLOSED = "closed", _("closed")


class Case(models.Model):
    """The unit of legal work."""

    id = SealedAutoField(primary_key=True)
    # Its ciphertexts are bound to the row and to this (docs/architecture.md).
    encryption_scope = ("organisation_id",)
    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="cases")
    number = models.CharField(_("case number"), max_length=30)
    external_id = models.CharField(_("register number"), max_length=100, null=True, blank=True)
    summary = EncryptedTextField(_("summary"), blank=True, default="")
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.NEW
    )
    # A term of the "outcome" vocabulary that applies in the case's country.
    outcome = models.ForeignKey(
        Term,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"vocabulary": "outcome"},
        verbose_name=_("outcome"),
    )
    opened_on = models.DateField(_("opened"))
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    events_from = models.DateField(_("events from"), null=True, blank=True)
    events_to = models.DateField(_("events to"), null=True, blank=True)
    country = models.CharField(_("country"), max_length=2)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("region")
    )
    facility = models.ForeignKey(
        Facility, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("place")
    )
    agency = models.ForeignKey(
        Term,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"vocabulary": "agency"},
        verbose_name=_("alleged perpetrator agency"),
    )
    team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("team"),
    )
    lawyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
        verbose_name=_("lawyer"),
    )
    has_minor_victim = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    # Optimistic locking: an edit made against an older version is refused, naming who
    # changed the case in between.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="case_number_unique"),
            models.UniqueConstraint(
                fields=["organisation", "external_id"], name="case_external_id_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "-opened_on", "-id"], name="case_org_opened"),
            models.Index(fields=["organisation", "status", "-opened_on"], name="case_org_status"),
            models.Index(fields=["lawyer", "-opened_on"], name="case_lawyer"),
            models.Index(fields=["team", "-opened_on"], name="case_team"),
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return self.number


class PartyRole(models.TextChoices):
    VICTIM = "victim", _("victim")
    APPLICANT = "applicant", _("applicant")
    RELATIVE = "relative", _("relative")
    WITNESS = "witness", _("witness")
    LAWYER = "lawyer", _("lawyer")
    PERPETRATOR = "perpetrator", _("alleged perpetrator")


class CaseParty(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="parties")
    role = models.CharField(_("role"), max_length=20, choices=PartyRole.choices)
    is_minor = models.BooleanField(_("minor at the time of the events"), default=False)
    relation = models.CharField(_("relation to the victim"), max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "person", "role"], name="party_unique")
        ]
        verbose_name = _("person in the case")
        verbose_name_plural = _("persons in the case")

    def __str__(self) -> str:
        return f"{self.case_id}:{self.role}"


class Violation(models.Model):
    """One alleged act: who did what, when and where."""

    id = SealedAutoField(primary_key=True)
    # Its ciphertexts are bound to the row and to this (docs/architecture.md).
    encryption_scope = ("case_id",)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="violations")
    type = models.ForeignKey(
        Term,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"vocabulary": "violation"},
        verbose_name=_("type"),
    )
    occurred_on = models.DateField(_("date"), null=True, blank=True)
    facility = models.ForeignKey(
        Facility, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("place")
    )
    description = EncryptedTextField(_("what happened"), blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["type", "case"], name="violation_type_case")]
        verbose_name = _("violation")
        verbose_name_plural = _("violations")

    def __str__(self) -> str:
        return f"{self.case_id}:{self.type_id}"


class Urgency(models.TextChoices):
    NORMAL = "normal", _("normal")
    URGENT = "urgent", _("urgent")
    EMERGENCY = "emergency", _("emergency: person at risk now")


class Rehabilitation(models.TextChoices):
    NONE = "none", _("none")
    MEDICAL = "medical", _("medical")
    PSYCHOLOGICAL = "psychological", _("psychological")
    BOTH = "both", _("medical and psychological")


class Appeal(models.Model):
    """One incoming request through one channel. It opens a case or joins one.

    The statistical facts of the appeal (country, agency, violation types, the victim's
    sex and minor status) are recorded on it as they were when it came in, so yearly
    statistics do not change when a case is later edited.
    """

    id = SealedAutoField(primary_key=True)
    # Its ciphertexts are bound to the row and to this (docs/architecture.md).
    encryption_scope = ("organisation_id",)
    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="appeals")
    received_on = models.DateField(_("received"))
    channel = models.ForeignKey(
        Term,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"vocabulary": "channel"},
        verbose_name=_("channel"),
    )
    urgency = models.CharField(
        _("urgency"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL
    )
    content = EncryptedTextField(_("content of the appeal"), blank=True, default="")
    applicant = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals_made",
        verbose_name=_("applicant"),
    )
    victim = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals_about",
        verbose_name=_("victim"),
    )
    consent_processing = models.BooleanField(_("consents to processing of personal data"))
    consent_representation = models.BooleanField(
        _("consents to the organisation acting on their behalf"), default=False
    )
    attachment = BoundFileField(_("scanned letter"), upload_to="appeals/%Y/", blank=True)
    legal_aid = models.BooleanField(_("legal aid given"), default=False)
    rehabilitation = models.CharField(
        _("rehabilitation"),
        max_length=14,
        choices=Rehabilitation.choices,
        default=Rehabilitation.NONE,
    )
    rehabilitation_started_on = models.DateField(_("rehabilitation started"), null=True, blank=True)
    # statistical snapshot
    country = models.CharField(_("country"), max_length=2)
    agency = models.ForeignKey(
        Term,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"vocabulary": "agency"},
    )
    violation_mask = models.BigIntegerField(default=0)
    victim_sex = models.CharField(max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    victim_minor = models.BooleanField(default=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # Which of the organisation's offices received it (statistics by office and region);
    # unknown for the register import and older appeals.
    office = models.ForeignKey(
        "outreach.Office",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("office"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["organisation", "received_on"], name="appeal_org_received"),
            models.Index(
                fields=["organisation", "rehabilitation_started_on"], name="appeal_org_rehab"
            ),
        ]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"{self.case_id}:{self.received_on}"


class CustodyRecord(models.Model):
    """Where a person is held, since when."""

    id = SealedAutoField(primary_key=True)
    # Its ciphertexts are bound to the row and to this (docs/architecture.md).
    encryption_scope = ("person_id",)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="custody")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, verbose_name=_("place"))
    since = models.DateField(_("held since"))
    until = models.DateField(_("held until"), null=True, blank=True)
    note = EncryptedTextField(_("note"), blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-since", "-id"]
        verbose_name = _("custody record")
        verbose_name_plural = _("custody records")

    def __str__(self) -> str:
        return f"{self.person_id}@{self.facility_id} {self.since}"


class Alert(models.Model):
    """Something a staff member must look at (a complainant was transferred, a task is due)."""

    class Kind(models.TextChoices):
        TRANSFER = "transfer", _("complainant transferred")
        TASK_DUE = "task_due", _("task due")
        URGENT_APPEAL = "urgent_appeal", _("emergency appeal without a lawyer")
        CLOSED_CASE_APPEAL = "closed_case_appeal", _("new appeal in a closed case")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="alerts")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="alert_recipient")]

    def __str__(self) -> str:
        return f"{self.kind} {self.case_id}"


class TaskQuerySet(models.QuerySet["Task"]):
    """The one definition of work still to do: a task not done, of a case not closed,
    unless whoever closed the case kept it open or handed it over (services/closing.py).
    Other open tasks of a closed case are neither overdue nor reminded."""

    def outstanding(self) -> TaskQuerySet:
        return self.filter(done_at__isnull=True).exclude(
            case__status=CaseStatus.CLOSED, kept_after_closing=False
        )

    def overdue(self, today: dt.date) -> TaskQuerySet:
        return self.outstanding().filter(due_on__lt=today)


class Task(models.Model):
    id = SealedAutoField(primary_key=True)
    # Its ciphertexts are bound to the row and to this (docs/architecture.md).
    encryption_scope = ("case_id",)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = EncryptedCharField(_("task"), max_length=300)
    due_on = models.DateField(_("due"), null=True, blank=True, db_index=True)
    remind_on = models.DateField(_("remind on"), null=True, blank=True, db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name=_("assignee"),
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    # Chosen when the case was closed: the task stays someone's work (kept or handed over).
    kept_after_closing = models.BooleanField(default=False)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["done_at", "due_on", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self) -> str:
        return f"task {self.pk}"

    def is_overdue(self, today: dt.date) -> bool:
        """``TaskQuerySet.overdue`` for one task (reads ``self.case``)."""
        return bool(
            self.done_at is None
            and self.due_on is not None
            and self.due_on < today
            and (self.kept_after_closing or self.case.status != CaseStatus.CLOSED)
        )


class Note(models.Model):
    id = SealedAutoField(primary_key=True)
    # Its ciphertexts are bound to the row and to this (docs/architecture.md).
    encryption_scope = ("case_id",)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    text = EncryptedTextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return f"note {self.pk}"


class Hearing(models.Model):
    id = SealedAutoField(primary_key=True)
    # Its ciphertexts are bound to the row and to this (docs/architecture.md).
    encryption_scope = ("case_id",)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="hearings")
    court = models.CharField(_("court"), max_length=300)
    starts_at = models.DateTimeField(_("date and time"))
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="hearings", verbose_name=_("who attends")
    )
    note = EncryptedTextField(_("note"), blank=True, default="")
    result = EncryptedTextField(_("result"), blank=True, default="")
    # Set when the hearing is called off (chosen when the case was closed).
    cancelled_at = models.DateTimeField(
        pgettext_lazy("hearing", "cancelled"), null=True, blank=True
    )

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("court hearing")
        verbose_name_plural = _("court hearings")

    def __str__(self) -> str:
        return f"{self.court} {self.starts_at:%Y-%m-%d}"


class ReferralKind(models.TextChoices):
    LEGAL = "legal", _("legal aid")
    MEDICAL = "medical", _("medical rehabilitation")
    PSYCHOLOGICAL = "psychological", _("psychological rehabilitation")


class Referral(models.Model):
    id = SealedAutoField(primary_key=True)
    # Its ciphertexts are bound to the row and to this (docs/architecture.md).
    encryption_scope = ("case_id",)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals")
    kind = models.CharField(_("kind"), max_length=14, choices=ReferralKind.choices)
    partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("partner")
    )
    started_on = models.DateField(_("started"), null=True, blank=True)
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    outcome = EncryptedTextField(_("outcome"), blank=True, default="")

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"{self.kind} {self.case_id}"


class CaseShare(models.Model):
    """An explicit, audited decision to let another organisation see a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "organisation"], name="share_unique")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}->{self.organisation_id}"


class CaseEvent(models.Model):
    """The case's timeline. ``kind`` is an event code of himoya.core.events, the same as
    the action of its audit event; ``data`` holds codes and ids, never text about people."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.case_id}"


class CaseCounter(models.Model):
    """Per organisation and year, the last case number handed out."""

    organisation = models.ForeignKey(ORG, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}: {self.last}"


# Kept in its own module (a concept of its own); imported here so Django and the
# migrations find it with the app's other models.
from himoya.cases.clinicians import CaseClinician  # noqa: E402, F401
