"""Letters to the authorities and the UN: who receives them (``Recipient``, shared
reference data), the Word templates they are written from (``LetterTemplate``,
versioned), and the letters of a case with their dispatch and answer (``Letter``).

Recipients and templates are public facts (addresses, deadlines, legal bases, blank
forms) and stay plain. A letter's fields, its generated files, the proof of sending and
the answer are personal data: sealed for the row and its case, files in the encrypted
storage.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from himoya.cases.models import Case
from himoya.core.fields import EncryptedCharField, EncryptedTextField, SealedAutoField
from himoya.core.filefields import BoundFileField
from himoya.letters.deadlines import DeadlineRule
from himoya.letters.route_data import REMEDY_CHOICES


class RecipientKind(models.TextChoices):
    PROSECUTOR_GENERAL = "prosecutor_general", _("Prosecutor General's Office")
    PROSECUTOR_REGIONAL = "prosecutor_regional", _("regional prosecutor's office")
    OMBUDSMAN = "ombudsman", _("Human Rights Commissioner (Ombudsman)")
    INTERIOR = "interior", _("Ministry of Internal Affairs")
    PENITENTIARY = "penitentiary", _("penitentiary service")
    SECURITY = "security", _("national security committee")
    COURT = "court", _("court")
    NPM = "npm", _("National Preventive Mechanism")
    NGO = "ngo", _("NGO partner")
    CAT = "cat", _("UN Committee against Torture")
    HRC = "hrc", _("UN Human Rights Committee")
    SR_TORTURE = "sr_torture", _("UN Special Rapporteur on torture")
    WGAD = "wgad", _("UN Working Group on Arbitrary Detention")


class Channel(models.TextChoices):
    POST = "post", pgettext_lazy("letter dispatch", "post")
    EMAIL = "email", pgettext_lazy("letter dispatch", "e-mail")
    PORTAL = "portal", pgettext_lazy("letter dispatch", "e-government portal")
    IN_PERSON = "in_person", pgettext_lazy("letter dispatch", "in person")


class DayKind(models.TextChoices):
    CALENDAR = "calendar", _("calendar days")
    WORKING = "working", _("working days")


class Recipient(models.Model):
    """A body letters go to. ``country`` is empty for the UN mechanisms. The answer rule
    (``answer_days`` of ``day_kind``, ``legal_basis``) is empty when no rule is known
    (the UN bodies set none); ``verified`` is false until a steward confirmed the entry
    from its ``source``."""

    kind = models.CharField(_("kind"), max_length=24, choices=RecipientKind.choices)
    country = models.CharField(_("country"), max_length=2, blank=True)
    name = models.CharField(_("name"), max_length=300)
    channel = models.CharField(
        pgettext_lazy("letter dispatch", "channel"), max_length=12, choices=Channel.choices
    )
    address = models.TextField(_("address"), blank=True)
    # ISO 639-1 codes separated by commas ("ru,kk").
    languages = models.CharField(_("languages accepted"), max_length=40, default="ru")
    answer_days = models.PositiveSmallIntegerField(_("answer within (days)"), null=True, blank=True)
    day_kind = models.CharField(
        _("counted in"), max_length=10, choices=DayKind.choices, default=DayKind.WORKING
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    verified = models.BooleanField(_("verified"), default=False)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["country", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["country", "kind", "name"], name="recipient_unique")
        ]
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")

    def __str__(self) -> str:
        return self.name

    @property
    def rule(self) -> DeadlineRule | None:
        if not self.answer_days:
            return None
        return DeadlineRule(self.answer_days, self.day_kind, self.legal_basis, self.verified)

    @property
    def language_list(self) -> list[str]:
        return [code.strip() for code in self.languages.split(",") if code.strip()]


class CorrectionKind(models.TextChoices):
    DAY_OFF = "day_off", _("day off")
    WORKING_DAY = "working_day", _("working day")


class CalendarCorrection(models.Model):
    """A day the ``holidays`` package has wrong for a country: a day off it lacks (moved
    by the government, or decreed) or a weekend day made working. ``deadlines`` applies
    the active ones on top of the package. A legal fact: ``source`` says where it comes
    from and ``verified`` stays false until a steward confirmed it there; a correction
    found wrong is retired (``active`` false), not deleted."""

    country = models.CharField(_("country"), max_length=2)
    day = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=CorrectionKind.choices)
    what = models.CharField(_("what it is"), max_length=300)
    source = models.CharField(_("source"), max_length=300)
    url = models.URLField(_("address of the source"), max_length=500, blank=True)
    verified = models.BooleanField(_("verified"), default=False)
    active = models.BooleanField(_("in use"), default=True)
    # Empty for the corrections shipped by a migration.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["country", "day"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "day"],
                condition=models.Q(active=True),
                name="calendar_correction_one_per_day",
            )
        ]
        verbose_name = _("calendar correction")
        verbose_name_plural = _("calendar corrections")

    def __str__(self) -> str:
        return f"{self.country} {self.day.isoformat()} {self.kind}"

    @property
    def working(self) -> bool:
        return self.kind == CorrectionKind.WORKING_DAY


class LetterTemplate(models.Model):
    """One version of a Word template. A new upload under the same ``code`` and
    ``language`` is the next ``version``; letters keep the version they were made from.
    The document is a blank form, not personal data, so it is kept in the row."""

    code = models.SlugField(_("code"), max_length=60)
    language = models.CharField(_("language"), max_length=5)
    version = models.PositiveIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=300)
    # The recipient kinds the template is written for (comma-separated RecipientKind).
    recipient_kinds = models.CharField(_("for recipients"), max_length=200)
    # The fields the template asks for, in order, one per line: "name|label|required".
    fields = models.TextField(_("fields"))
    content = models.BinaryField(_("document"))
    source = models.CharField(_("source"), max_length=300, blank=True)
    # Offered on the public site to people who write on their own (``selfhelp.py``):
    # a coordinator marks a version; a newer upload is not public until marked.
    public = models.BooleanField(_("on the public site"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["code", "language", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "language", "version"], name="letter_template_version"
            )
        ]
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")

    def __str__(self) -> str:
        return f"{self.title} ({self.language}, v{self.version})"

    @property
    def kinds(self) -> list[str]:
        return [k for k in self.recipient_kinds.split(",") if k]


class LetterStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SIGNED = "signed", _("signed off")
    SENT = "sent", _("sent")
    ANSWERED = "answered", _("answered")


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", _("accepted")
    REFUSED = "refused", _("refused")
    FORWARDED = "forwarded", _("forwarded to another body")
    NO_ANSWER = "no_answer", _("no answer")


class AnswerReading(models.TextChoices):
    """How far the reading of an answer's scan got (``letters.ocr``)."""

    PENDING = "pending", _("being read")
    DONE = "done", _("read")
    UNREADABLE = "unreadable", _("no text could be read")
    NOT_INSTALLED = "missing", _("OCR is not installed on this server")
    FAILED = "failed", _("the reading failed")


class Generation(models.TextChoices):
    """Where the making of a letter's DOCX and PDF by the worker is (``letters.generation``)."""

    PENDING = "pending", _("being prepared")
    DONE = "done", _("ready")
    FAILED = "failed", _("could not be made")


class LetterBatch(models.Model):
    """The same letter (one recipient, one template version) made for many cases at
    once. It holds no personal data: which cases it went to is in its letters."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="+")
    template = models.ForeignKey(LetterTemplate, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("letter batch")
        verbose_name_plural = _("letter batches")

    def __str__(self) -> str:
        return f"letter batch {self.pk}"


def letter_path(instance: Letter, filename: str) -> str:
    return f"letters/{timezone.now():%Y}/{filename}"


class Letter(models.Model):
    """A letter of a case to one recipient, made from one template version. ``data`` is
    the JSON of the fields it was filled with, sealed; ``due_on`` is the answer's due
    date by the recipient's rule from the dispatch (or from the forwarding)."""

    id = SealedAutoField(primary_key=True)
    encryption_scope = ("case_id",)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="letters")
    recipient = models.ForeignKey(
        Recipient, on_delete=models.PROTECT, related_name="letters", verbose_name=_("recipient")
    )
    template = models.ForeignKey(
        LetterTemplate, on_delete=models.PROTECT, related_name="+", verbose_name=_("template")
    )
    data = EncryptedTextField(_("letter data"))
    status = models.CharField(
        _("status"), max_length=10, choices=LetterStatus.choices, default=LetterStatus.DRAFT
    )
    docx = BoundFileField(upload_to=letter_path, blank=True)
    pdf = BoundFileField(upload_to=letter_path, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    sent_on = models.DateField(pgettext_lazy("letter dispatch", "sent on"), null=True, blank=True)
    channel = models.CharField(
        pgettext_lazy("letter dispatch", "channel"),
        max_length=12,
        choices=Channel.choices,
        blank=True,
    )
    outgoing_number = EncryptedCharField(
        pgettext_lazy("letter dispatch", "outgoing number"), max_length=100, blank=True, default=""
    )
    proof = BoundFileField(upload_to=letter_path, blank=True)
    # Where the clock runs: the recipient, or the body the appeal was forwarded to.
    clock_at = models.ForeignKey(
        Recipient, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    clock_from = models.DateField(null=True, blank=True)
    due_on = models.DateField(_("answer due"), null=True, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    answer = BoundFileField(upload_to=letter_path, blank=True)
    answer_note = EncryptedTextField(_("what the answer says"), blank=True, default="")
    # The answer's text as OCR read it (``letters.ocr``), for the case's search index;
    # NULL until read (an encrypted column has no default its existing rows could take).
    answer_text = EncryptedTextField(_("text of the answer"), blank=True, null=True)
    answer_reading = models.CharField(
        max_length=10, choices=AnswerReading.choices, blank=True, default=""
    )
    reminded_on = models.DateField(null=True, blank=True)
    generation = models.CharField(
        max_length=8, choices=Generation.choices, default=Generation.PENDING
    )
    # Why the worker could not make the files, as a code ("consent", "fields:facts,place",
    # "template", "render") that the page words in the reader's language; never the data.
    generation_error = models.CharField(max_length=300, blank=True, default="")
    batch = models.ForeignKey(
        LetterBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="letters"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "due_on"], name="letter_status_due")]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")

    def __str__(self) -> str:
        return f"letter {self.pk}"


class RemedyFault(models.TextChoices):
    """Why a domestic remedy need not be exhausted before a UN communication."""

    INEFFECTIVE = "ineffective", _("ineffective: unlikely to bring effective relief")
    UNAVAILABLE = "unavailable", _("not available")
    PROLONGED = "prolonged", _("unreasonably prolonged")


class IneffectiveRemedy(models.Model):
    """The case lawyer's finding that one domestic remedy (a step of the route, or the
    courts: ``route_data.REMEDIES``) was ineffective, unavailable or unreasonably
    prolonged, since ``since``, and why. The escalation route reads it as a fact the
    admissibility of a UN communication rests on. ``reason`` tells the case, so it is
    sealed. A finding found wrong is withdrawn, never deleted: the route stops using it
    and the record of who said what stays."""

    id = SealedAutoField(primary_key=True)
    encryption_scope = ("case_id",)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="ineffective_remedies")
    remedy = models.CharField(_("remedy"), max_length=20, choices=REMEDY_CHOICES)
    fault = models.CharField(
        _("what was wrong with it"), max_length=12, choices=RemedyFault.choices
    )
    reason = EncryptedTextField(_("why, in plain words"))
    since = models.DateField(_("since"))
    # Empty when a command recorded it (the audit event names it).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["since", "id"]
        verbose_name = _("ineffective remedy")
        verbose_name_plural = _("ineffective remedies")

    def __str__(self) -> str:
        return f"ineffective remedy {self.pk}"
