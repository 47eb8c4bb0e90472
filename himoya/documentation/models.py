"""Torture documentation to the Istanbul Protocol (2022): the person's consents, the
allegation interview, and the medical and psychological evaluations with their findings
(domain.md, "Istanbul Protocol").

Everything the person told or a clinician found is encrypted, bound to its row and its
case (or evaluation). What stays plain is what decides who may see or do what: the kind
of consent and whether it was revoked, dates, the interview's genders, a finding's body
region and consistency rating.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himoya.cases.models import Case, Person
from himoya.core.fields import EncryptedCharField, EncryptedTextField, SealedAutoField
from himoya.reference.models import Partner, Term

USER = settings.AUTH_USER_MODEL


class ConsentKind(models.TextChoices):
    INTERVIEW = "interview", _("to be interviewed")
    EXAMINATION = "examination", _("to be examined")
    PHOTOGRAPHY = "photography", _("to be photographed")
    SHARING = "sharing", _("to share the information with named bodies")
    PUBLICATION = "publication", _("to publish anonymised")


class Consent(models.Model):
    """One consent of one person in one case, given on a date to a staff member. Each
    kind is separate (the Protocol asks for photographs apart). A revoked consent stays
    as a record of what was allowed until when; a new consent is a new row."""

    id = SealedAutoField(primary_key=True)
    # The named recipients are sealed for this row and its case.
    encryption_scope = ("case_id",)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consents")
    kind = models.CharField(_("consent"), max_length=16, choices=ConsentKind.choices)
    given_on = models.DateField(_("given on"))
    taken_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("taken by")
    )
    # Sharing only: to whom. A partner organisation by reference, or any body in words
    # (which may name a person, hence encrypted).
    partner = models.ForeignKey(
        Partner,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("partner organisation"),
    )
    recipients = EncryptedTextField(_("bodies named"), blank=True, default="")
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["given_on", "id"]
        indexes = [models.Index(fields=["case", "person", "kind"], name="consent_case_kind")]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.case_id}:{self.person_id}:{self.kind}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class Gender(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")


class Tie(models.TextChoices):
    NONE = "none", _("no tie")
    TIED = "tied", _("has a tie")
    UNKNOWN = "unknown", _("not known")


# The interview's narrative sections, in the Protocol's order (domain.md: interview
# topics). The sexual-violence section is apart: fewer people may read it.
INTERVIEW_SECTIONS: tuple[tuple[str, Any], ...] = (
    ("before_detention", _("Circumstances before detention")),
    ("dates_times", _("Dates and times")),
    ("places", _("Places")),
    ("people_involved", _("People involved")),
    ("said_or_asked", _("What was said or asked")),
    ("methods_account", _("Methods, as told")),
    ("injuries_symptoms", _("Injuries and symptoms")),
    ("objects_used", _("Objects used")),
    ("witnesses", _("Witnesses")),
    ("medical_certificates", _("Existing medical certificates")),
    ("follow_up", _("Follow-up wanted")),
)


class Interview(models.Model):
    """The allegation interview with one person, structured on the Protocol's topics."""

    id = SealedAutoField(primary_key=True)
    encryption_scope = ("case_id",)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="interviews")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="interviews")
    held_on = models.DateField(_("date of the interview"))
    interviewer = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("interviewer")
    )
    interviewer_gender = models.CharField(
        _("interviewer's gender"), max_length=8, choices=Gender.choices
    )
    interpreter = models.BooleanField(_("an interpreter took part"), default=False)
    interpreter_gender = models.CharField(
        _("interpreter's gender"), max_length=8, choices=Gender.choices, blank=True
    )
    # The Protocol: never an interpreter employed by the place of detention.
    interpreter_tie = models.CharField(
        _("interpreter's tie to the detaining authority"),
        max_length=8,
        choices=Tie.choices,
        blank=True,
    )
    methods = models.ManyToManyField(
        Term,
        blank=True,
        related_name="+",
        limit_choices_to={"vocabulary": "method"},
        verbose_name=_("methods"),
    )
    before_detention = EncryptedTextField(blank=True, default="")
    dates_times = EncryptedTextField(blank=True, default="")
    places = EncryptedTextField(blank=True, default="")
    people_involved = EncryptedTextField(blank=True, default="")
    said_or_asked = EncryptedTextField(blank=True, default="")
    methods_account = EncryptedTextField(blank=True, default="")
    sexual_violence = EncryptedTextField(blank=True, default="")
    injuries_symptoms = EncryptedTextField(blank=True, default="")
    objects_used = EncryptedTextField(blank=True, default="")
    witnesses = EncryptedTextField(blank=True, default="")
    medical_certificates = EncryptedTextField(blank=True, default="")
    follow_up = EncryptedTextField(blank=True, default="")
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("allegation interview")
        verbose_name_plural = _("allegation interviews")

    def __str__(self) -> str:
        return f"interview {self.pk}"


class EvaluationKind(models.TextChoices):
    MEDICAL = "medical", _("medical evaluation")
    PSYCHOLOGICAL = "psychological", _("psychological evaluation")


class Consistency(models.TextChoices):
    """The Protocol's five levels of consistency of a finding with the allegation."""

    NOT_CONSISTENT = "not_consistent", _("not consistent")
    CONSISTENT = "consistent", _("consistent with")
    HIGHLY_CONSISTENT = "highly_consistent", _("highly consistent")
    TYPICAL = "typical", _("typical of")
    DIAGNOSTIC = "diagnostic", _("diagnostic of")


# The evaluation's narrative sections on Annex IV (domain.md: report sections).
EVALUATION_SECTIONS: tuple[tuple[str, Any], ...] = (
    ("requested_by", _("Requested by")),
    ("qualifications", _("Clinician's qualifications")),
    ("interpreter", _("Interpreter")),
    ("persons_present", _("Persons present during the examination")),
    ("restraint", _("Restraint during the examination")),
    ("background", _("Background")),
    ("physical_symptoms", _("Physical symptoms")),
    ("physical_examination", _("Physical examination")),
    ("psychological_history", _("Psychological history and examination")),
    ("photographs", _("Photographs")),
    ("test_results", _("Test results")),
    ("conclusion", _("Conclusions")),
    ("recommendations", _("Recommendations")),
    ("restrictions", _("Statement of restrictions")),
    ("report_sent_to", _("To whom the report was given")),
)


class Evaluation(models.Model):
    """A medical or psychological evaluation of one person, on Annex IV's sections."""

    id = SealedAutoField(primary_key=True)
    encryption_scope = ("case_id",)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evaluations")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="evaluations")
    kind = models.CharField(_("kind"), max_length=16, choices=EvaluationKind.choices)
    examined_on = models.DateField(_("date of the examination"))
    clinician = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("clinician")
    )
    requested_by = EncryptedCharField(max_length=300, blank=True, default="")
    qualifications = EncryptedTextField(blank=True, default="")
    interpreter = EncryptedCharField(max_length=300, blank=True, default="")
    persons_present = EncryptedTextField(blank=True, default="")
    restraint = EncryptedTextField(blank=True, default="")
    background = EncryptedTextField(blank=True, default="")
    physical_symptoms = EncryptedTextField(blank=True, default="")
    physical_examination = EncryptedTextField(blank=True, default="")
    psychological_history = EncryptedTextField(blank=True, default="")
    photographs = EncryptedTextField(blank=True, default="")
    test_results = EncryptedTextField(blank=True, default="")
    conclusion = EncryptedTextField(blank=True, default="")
    recommendations = EncryptedTextField(blank=True, default="")
    restrictions = EncryptedTextField(blank=True, default="")
    report_sent_to = EncryptedTextField(blank=True, default="")
    overall = models.CharField(
        _("overall conclusion"), max_length=20, choices=Consistency.choices, blank=True
    )
    truthful = models.BooleanField(_("statement of truthfulness made"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["examined_on", "id"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"evaluation {self.pk}"


class FindingType(models.TextChoices):
    BRUISE = "bruise", _("bruise")
    ABRASION = "abrasion", _("abrasion")
    LACERATION = "laceration", _("laceration")
    BURN = "burn", _("burn")
    FRACTURE = "fracture", _("fracture")
    SCAR = "scar", _("scar")
    SWELLING = "swelling", _("swelling")
    PSYCHOLOGICAL = "psychological", _("psychological sign")
    OTHER = "other", _("other finding")


class BodyRegion(models.TextChoices):
    HEAD = "head", _("head and face")
    NECK = "neck", _("neck")
    CHEST = "chest", _("chest")
    ABDOMEN = "abdomen", _("abdomen")
    BACK = "back", _("back")
    BUTTOCKS = "buttocks", _("buttocks")
    GENITALS = "genitals", _("genital area")
    ARM_LEFT = "arm_left", _("left arm")
    ARM_RIGHT = "arm_right", _("right arm")
    HAND_LEFT = "hand_left", _("left hand")
    HAND_RIGHT = "hand_right", _("right hand")
    LEG_LEFT = "leg_left", _("left leg")
    LEG_RIGHT = "leg_right", _("right leg")
    FOOT_LEFT = "foot_left", _("left foot")
    FOOT_RIGHT = "foot_right", _("right foot")


class DiagramView(models.TextChoices):
    FRONT = "front", _("front view")
    BACK = "back", _("back view")
    LEFT = "left", _("left side")
    RIGHT = "right", _("right side")


class Finding(models.Model):
    """One finding of an evaluation, rated on the five levels. Entered as a list; a body
    diagram places it with ``view`` and ``x``/``y`` (fractions of the drawing, 0 to 1)."""

    id = SealedAutoField(primary_key=True)
    encryption_scope = ("evaluation_id",)
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="findings")
    type = models.CharField(_("type"), max_length=16, choices=FindingType.choices)
    region = models.CharField(_("body region"), max_length=16, choices=BodyRegion.choices)
    location = EncryptedCharField(_("location"), max_length=300, blank=True, default="")
    size = EncryptedCharField(_("size"), max_length=100, blank=True, default="")
    colour = EncryptedCharField(_("colour"), max_length=100, blank=True, default="")
    age_estimate = EncryptedCharField(_("age estimate"), max_length=100, blank=True, default="")
    description = EncryptedTextField(_("description"), blank=True, default="")
    rating = models.CharField(_("consistency"), max_length=20, choices=Consistency.choices)
    view = models.CharField(
        _("diagram view"), max_length=8, choices=DiagramView.choices, blank=True
    )
    x = models.FloatField(null=True, blank=True)
    y = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(x__isnull=True) & models.Q(y__isnull=True))
                | (models.Q(x__gte=0, x__lte=1, y__gte=0, y__lte=1) & ~models.Q(view="")),
                name="finding_mark_on_a_view",
            )
        ]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return f"finding {self.pk}"
