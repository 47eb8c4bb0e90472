"""Forms of the staff pages for appeals and cases.

Forms parse and check what a browser sends; the rules themselves (permissions,
transitions, dates, vocabularies, minors) live in the services, whose ValidationErrors
the views put back on these forms with ``add_service_errors``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from himoya.accounts.models import Organisation, Team, User
from himoya.cases import selectors
from himoya.cases.limits import STORY_MAX_CHARS, SUMMARY_MAX_CHARS, MaxChars
from himoya.cases.models import CaseStatus, ReferralKind, Sex, Urgency
from himoya.cases.office_forms import office_choices, office_field
from himoya.cases.person_forms import BIRTH_HELP
from himoya.cases.policies import CASE_WORKERS
from himoya.cases.services.common import check_consent
from himoya.core import folding, phones
from himoya.core.forms import add_service_errors as _add_service_errors
from himoya.core.idempotency import OnceFormMixin
from himoya.core.widgets import QuickSelect
from himoya.outreach.selectors import default_office
from himoya.reference import vocab
from himoya.reference.forms import (
    DATE,
    CountryField,
    FacilityChoiceField,
    country_choices,
    grouped_by_country,
    offer_regions,
    term_choices,
)
from himoya.reference.models import Facility, Partner, Region
from himoya.reference.selectors import (
    facilities,
    offered_facilities,
    offered_terms,
    terms_for_country,
)

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def staff_queryset(organisation: Organisation | None) -> QuerySet[User]:
    if organisation is None:
        return User.objects.none()
    return User.objects.filter(
        organisation=organisation, is_active=True, role__in=CASE_WORKERS
    ).order_by("full_name", "email")


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


# Where the services name a field differently from the form.
SERVICE_FIELD_NAMES = {
    "birth_date": "victim_birth",
    "full_name": "victim_name",
    "sex": "victim_sex",
    "victim": "victim_name",
    "applicant": "applicant_name",
}


def add_service_errors(
    form: forms.Form, error: ValidationError, aliases: Mapping[str, str] | None = None
) -> None:
    """Puts a service's ValidationError on the form fields it names (or on top), with the
    names the case services use for the fields of the case forms."""
    _add_service_errors(form, error, {**SERVICE_FIELD_NAMES, **(aliases or {})})


class CaseFilterForm(forms.Form):
    """The case list's filters (a GET form: filter links can be bookmarked)."""

    SORTS = (("-opened", _("newest first")), ("opened", _("oldest first")))

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("name, number, words of the story")}
        ),
    )
    status = forms.ChoiceField(label=_("Status"), required=False, widget=QuickSelect)
    violation = forms.ChoiceField(label=_("Violation"), required=False, widget=QuickSelect)
    agency = forms.ChoiceField(label=_("Agency"), required=False, widget=QuickSelect)
    facility = forms.TypedChoiceField(
        label=_("Place of detention"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=QuickSelect,
    )
    region = forms.TypedChoiceField(
        label=_("Region"), required=False, coerce=int, empty_value=None, widget=QuickSelect
    )
    lawyer = forms.TypedChoiceField(
        label=_("Lawyer"), required=False, coerce=int, empty_value=None, widget=QuickSelect
    )
    opened_from = forms.DateField(label=_("Opened from"), required=False, widget=DATE)
    opened_to = forms.DateField(label=_("Opened to"), required=False, widget=DATE)
    urgency = forms.ChoiceField(label=_("Urgency"), required=False, widget=QuickSelect)
    overdue = forms.BooleanField(label=_("With overdue tasks"), required=False)
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=SORTS, widget=QuickSelect)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anything = str(_("any"))
        self.fields["status"].choices = [("", anything), *CaseStatus.choices]  # type: ignore[attr-defined]
        self.fields["violation"].choices = term_choices(vocab.VIOLATION, blank=anything)  # type: ignore[attr-defined]
        self.fields["agency"].choices = term_choices(vocab.AGENCY, blank=anything)  # type: ignore[attr-defined]
        self.fields["facility"].choices = grouped_by_country(  # type: ignore[attr-defined]
            facilities(), blank=anything
        )
        self.fields["region"].choices = grouped_by_country(  # type: ignore[attr-defined]
            Region.objects.all(), blank=anything
        )
        self.fields["urgency"].choices = [  # type: ignore[attr-defined]
            ("", anything),
            (Urgency.URGENT, _("urgent or emergency")),
            (Urgency.EMERGENCY, Urgency.EMERGENCY.label),
        ]
        self.fields["lawyer"].choices = [  # type: ignore[attr-defined]
            ("", anything),
            *((u.pk, str(u)) for u in staff_queryset(user.organisation)),
        ]

    def filters(self) -> selectors.CaseFilters:
        """The valid filters (a field with a bad value is left out and shows its error)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return selectors.CaseFilters(
            status=data.get("status") or "",
            violation=data.get("violation") or "",
            agency=data.get("agency") or "",
            facility=data.get("facility"),
            region=data.get("region"),
            lawyer=data.get("lawyer"),
            opened_from=data.get("opened_from"),
            opened_to=data.get("opened_to"),
            overdue=bool(data.get("overdue")),
            urgency=data.get("urgency") or "",
            q=(data.get("q") or "").strip(),
        )

    def ordering(self) -> str:
        data = getattr(self, "cleaned_data", {})
        return data.get("sort") or "-opened"


class AppealForm(OnceFormMixin):
    """Registering an appeal: how it came, the consents, who it is about, the facts."""

    # the appeal
    channel = forms.ChoiceField(label=_("Channel"))
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    office = office_field()
    content = forms.CharField(
        label=_("Content of the appeal"),
        required=False,
        validators=[MaxChars(STORY_MAX_CHARS)],
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": STORY_MAX_CHARS}),
        help_text=_("What the person told or wrote, in their words."),
    )
    # consents
    # The rule is the service's (``check_consent``, asked in ``clean_consent_processing``).
    consent_processing = forms.BooleanField(
        label=_("The person consents to the processing of their personal data"),
        required=False,
    )
    consent_representation = forms.BooleanField(
        label=_("The person consents to the organisation acting on their behalf"),
        required=False,
    )
    # the victim
    victim_name = forms.CharField(label=_("Full name"), max_length=300)
    victim_sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    victim_birth = forms.CharField(
        label=_("Date or year of birth"),
        required=False,
        max_length=10,
        help_text=BIRTH_HELP,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    victim_is_minor = forms.BooleanField(
        label=_("Minor at the time of the events"),
        required=False,
        help_text=_("Leave unticked to derive it from the date of birth."),
    )
    victim_phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    victim_document = forms.CharField(
        label=_("Identity document number"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    # the applicant, when someone else applied
    applicant_name = forms.CharField(
        label=_("Applicant's full name"),
        required=False,
        max_length=300,
        help_text=_("Leave empty when the victim applied themselves."),
    )
    applicant_relation = forms.CharField(
        label=_("Relation to the victim"),
        required=False,
        max_length=100,
        help_text=_("For example: mother, wife, brother, neighbour."),
    )
    applicant_phone = forms.CharField(
        label=_("Applicant's phone"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    # where it goes
    attach_to = forms.CharField(
        label=_("Attach to an existing case"),
        required=False,
        max_length=30,
        help_text=_("The case number, e.g. K-2024-031. Leave empty to open a new case."),
    )
    # the facts of a new case
    country = CountryField(label=_("Country"))
    region = forms.TypedChoiceField(label=_("Region"), required=False, coerce=int, empty_value=None)
    facility = forms.TypedChoiceField(
        label=_("Place of detention"), required=False, coerce=int, empty_value=None
    )
    agency = forms.ChoiceField(label=_("Alleged perpetrator agency"), required=False)
    violations = forms.MultipleChoiceField(
        label=_("Violations"), required=False, widget=forms.CheckboxSelectMultiple
    )
    events_from = forms.DateField(label=_("Events from"), required=False, widget=DATE)
    events_to = forms.DateField(label=_("Events to"), required=False, widget=DATE)
    summary = forms.CharField(
        label=pgettext_lazy("case", "Summary"),
        required=False,
        validators=[MaxChars(SUMMARY_MAX_CHARS)],
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": SUMMARY_MAX_CHARS}),
    )
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    lawyer = forms.TypedChoiceField(label=_("Lawyer"), required=False, coerce=int, empty_value=None)
    # last, so that an upload refused mid-way has already carried the other fields
    attachment = forms.FileField(
        label=_("Scanned letter"),
        required=False,
        help_text=_("Optional: a scan or photo of the letter (PDF or image)."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org = user.organisation
        # Domestic spellings of phone numbers are read in the organisation's country.
        self.phone_region = (org.country if org else "") or phones.DEFAULT_REGION
        none = str(_("not known"))
        self.fields["channel"].choices = term_choices(vocab.CHANNEL, blank="—")  # type: ignore[attr-defined]
        self.fields["office"].choices = office_choices(org.pk if org else None)  # type: ignore[attr-defined]
        self.fields["agency"].choices = term_choices(vocab.AGENCY)  # type: ignore[attr-defined]
        self.fields["violations"].choices = term_choices(vocab.VIOLATION)  # type: ignore[attr-defined]
        self.fields["country"].choices = country_choices([org.country if org else ""])  # type: ignore[attr-defined]
        offer_regions(self, default_country=org.country if org else "", blank=none)
        self.fields["facility"].choices = grouped_by_country(  # type: ignore[attr-defined]
            offered_facilities(), blank=none
        )
        teams = Team.objects.filter(organisation=org) if org else Team.objects.none()
        nobody = str(_("none"))
        self.fields["team"].choices = [("", nobody), *((t.pk, t.name) for t in teams)]  # type: ignore[attr-defined]
        self.fields["lawyer"].choices = [  # type: ignore[attr-defined]
            ("", nobody),
            *((u.pk, str(u)) for u in staff_queryset(org)),
        ]
        self.fields["attachment"].widget.attrs.update(
            {
                "accept": "application/pdf,image/*",
                "data-max-bytes": str(settings.HIMOYA_MAX_UPLOAD_BYTES),
                "data-too-large": str(
                    _("The file is larger than %(size)s and cannot be accepted.")
                    % {"size": filesizeformat(settings.HIMOYA_MAX_UPLOAD_BYTES)}
                ),
            }
        )
        if not self.is_bound:
            self.initial.setdefault("received_on", timezone.localdate())
            self.initial.setdefault("country", org.country if org else "")
            self.initial.setdefault("agency", "unknown")
            head = default_office(org.pk if org else None)
            self.initial.setdefault("office", head.pk if head else None)
            if getattr(user, "role", "") == "lawyer":
                self.initial.setdefault("lawyer", user.pk)
            own_teams = [t.pk for t in teams if t.members.filter(pk=user.pk).exists()]
            if len(own_teams) == 1:
                self.initial.setdefault("team", own_teams[0])
        # The inputs that ask the server for duplicate hints while the person types.
        for name in ("victim_name", "victim_phone", "victim_document", "applicant_name"):
            self.fields[name].widget.attrs["data-duplicates"] = "1"
        self.fields["applicant_phone"].widget.attrs["data-duplicates"] = "1"

    def clean_consent_processing(self) -> bool:
        value = bool(self.cleaned_data.get("consent_processing"))
        try:
            check_consent(value)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["consent_processing"]) from None
        return value

    def _clean_phone(self, name: str) -> str:
        value = (self.cleaned_data.get(name) or "").strip()
        if value and not phones.is_valid(value, self.phone_region):
            raise ValidationError(
                _("This is not a valid phone number. Example: %(example)s."),
                params={"example": phones.example(self.phone_region)},
            )
        return phones.display(value, self.phone_region) if value else ""

    def clean_victim_phone(self) -> str:
        return self._clean_phone("victim_phone")

    def clean_applicant_phone(self) -> str:
        return self._clean_phone("applicant_phone")

    def clean_attach_to(self) -> str:
        # "К-2025-001" typed with a Cyrillic К is the case K-2025-001.
        return folding.case_number(self.cleaned_data.get("attach_to") or "")

    def clean_received_on(self) -> Any:
        value = self.cleaned_data["received_on"]
        if value and value > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("applicant_relation") and not data.get("applicant_name"):
            self.add_error(
                "applicant_name", _("Enter the applicant's name, or clear the relation.")
            )
        return data


class DuplicateCheckForm(forms.Form):
    """What the appeal form sends while the victim's details are typed."""

    victim_name = forms.CharField(required=False, max_length=300)
    victim_phone = forms.CharField(required=False, max_length=60)
    victim_document = forms.CharField(required=False, max_length=60)
    applicant_name = forms.CharField(required=False, max_length=300)
    applicant_phone = forms.CharField(required=False, max_length=60)


class CaseFactsForm(forms.Form):
    """Editing the facts of a case; ``version`` is the version the form was opened at."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    country = CountryField(label=_("Country"))
    region = forms.TypedChoiceField(label=_("Region"), required=False, coerce=int, empty_value=None)
    facility = forms.TypedChoiceField(
        label=_("Place of detention"), required=False, coerce=int, empty_value=None
    )
    agency = forms.ChoiceField(label=_("Alleged perpetrator agency"))
    events_from = forms.DateField(label=_("Events from"), required=False, widget=DATE)
    events_to = forms.DateField(label=_("Events to"), required=False, widget=DATE)
    summary = forms.CharField(
        label=pgettext_lazy("case", "Summary"),
        required=False,
        validators=[MaxChars(SUMMARY_MAX_CHARS)],
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": SUMMARY_MAX_CHARS}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        none = str(_("not known"))
        self.fields["country"].choices = country_choices()  # type: ignore[attr-defined]
        offer_regions(self, blank=none)
        # The case's own place and agency stay offered even when retired since.
        self.fields["facility"].choices = grouped_by_country(  # type: ignore[attr-defined]
            offered_facilities(keep=[self.initial.get("facility")]), blank=none
        )
        self.fields["agency"].choices = term_choices(  # type: ignore[attr-defined]
            vocab.AGENCY, keep=[self.initial.get("agency", "")]
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("events_from"), data.get("events_to")
        if start and end and end < start:
            self.add_error("events_to", _("The end is before the start."))
        return data


def own_outcome(case: Any) -> str:
    """The code of the outcome ``case`` carries ("" for none): offered by ``StatusForm``
    and accepted by the service even when retired."""
    return case.outcome.code if case.outcome_id else ""


class StatusForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(choices=CaseStatus.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False)

    def __init__(
        self, *args: Any, country: str | None = None, outcome: str = "", **kwargs: Any
    ) -> None:
        """Offers the outcomes of the case's ``country`` (every outcome without one), and
        the case's own ``outcome`` even when it is retired since (``offerable``)."""
        kwargs.setdefault("auto_id", "status-%s")
        super().__init__(*args, **kwargs)
        keep = [outcome]
        outcomes = (
            terms_for_country(vocab.OUTCOME, country, keep=keep)
            if country
            else offered_terms(vocab.OUTCOME, keep=keep)
        )
        self.fields["outcome"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((t.code, t.label) for t in outcomes),
        ]


class AssignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    lawyer = StaffChoiceField(
        label=_("Lawyer"), queryset=User.objects.none(), required=False, empty_label="—"
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label="—"
    )
    move_tasks = forms.BooleanField(
        label=_("Move the current lawyer's open tasks on this case to the new lawyer"),
        required=False,
        initial=True,
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "assign-%s")
        super().__init__(*args, **kwargs)
        self.fields["lawyer"].queryset = staff_queryset(organisation)  # type: ignore[attr-defined]
        self.fields["team"].queryset = Team.objects.filter(organisation=organisation)  # type: ignore[attr-defined]


class ShareForm(OnceFormMixin):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), empty_label="—"
    )

    def __init__(self, *args: Any, case_organisation_id: int, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "share-%s")
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.share_recipients(case_organisation_id)  # type: ignore[attr-defined]


class TaskForm(OnceFormMixin):
    title = forms.CharField(label=_("Task"), max_length=300)
    due_on = forms.DateField(label=_("Due"), required=False, widget=DATE)
    remind_on = forms.DateField(label=_("Remind on"), required=False, widget=DATE)
    assignee = StaffChoiceField(
        label=_("Assignee"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("the case's lawyer"),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "task-%s")
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation, is_active=True
        )


class NoteForm(OnceFormMixin):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "note-%s")
        super().__init__(*args, **kwargs)


class HearingForm(OnceFormMixin):
    court = forms.CharField(label=_("Court"), max_length=300)
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=DATETIME,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    attendees = StaffMultipleChoiceField(
        label=_("Who attends"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "hearing-%s")
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = staff_queryset(organisation)  # type: ignore[attr-defined]


class PartyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class ReferralForm(OnceFormMixin):
    person = PartyChoiceField(label=_("Person"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=ReferralKind.choices)
    partner = forms.ModelChoiceField(
        label=_("Partner organisation"),
        queryset=Partner.objects.none(),
        required=False,
        empty_label="—",
    )
    started_on = forms.DateField(label=_("Started"), required=False, widget=DATE)

    def __init__(
        self, *args: Any, persons: QuerySet[Any], partners: QuerySet[Partner], **kwargs: Any
    ) -> None:
        kwargs.setdefault("auto_id", "referral-%s")
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons  # type: ignore[attr-defined]
        self.fields["partner"].queryset = partners  # type: ignore[attr-defined]


class ReferralCloseForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended"), widget=DATE)
    outcome = forms.CharField(
        label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "end-%s")
        super().__init__(*args, **kwargs)


class CustodyForm(OnceFormMixin):
    person = PartyChoiceField(label=_("Person"), queryset=None, empty_label=None)
    facility = FacilityChoiceField(
        label=_("Now held in"), queryset=Facility.objects.none(), empty_label="—"
    )
    since = forms.DateField(label=_("Since"), widget=DATE)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, persons: QuerySet[Any], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "custody-%s")
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons  # type: ignore[attr-defined]
        self.fields["facility"].queryset = offered_facilities().order_by("country", "name")  # type: ignore[attr-defined]


class ViolationForm(OnceFormMixin):
    type = forms.ChoiceField(label=_("Violation"))
    occurred_on = forms.DateField(label=_("Date"), required=False, widget=DATE)
    facility = FacilityChoiceField(
        label=_("Place"), queryset=Facility.objects.none(), required=False, empty_label="—"
    )
    description = forms.CharField(
        label=_("What happened"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "violation-%s")
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = term_choices(vocab.VIOLATION)  # type: ignore[attr-defined]
        self.fields["facility"].queryset = offered_facilities().order_by("country", "name")  # type: ignore[attr-defined]
