"""Forms of the documentation panels. The rules (consents, who may write, what a
finding needs) are the services'; these parse what the browser sends."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _l

from himoya.cases.models import Person
from himoya.core.idempotency import OnceFormMixin
from himoya.documentation.models import (
    EVALUATION_SECTIONS,
    INTERVIEW_SECTIONS,
    BodyRegion,
    ConsentKind,
    Consistency,
    DiagramView,
    Evaluation,
    EvaluationKind,
    FindingType,
    Gender,
    Tie,
)
from himoya.reference import vocab
from himoya.reference.forms import DATE
from himoya.reference.models import Partner, Term


def _blank(choices: Any) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


def _text(label: Any, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": rows})
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class TermsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


class EvaluationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_kind_display()} · {obj.examined_on:%Y-%m-%d}"


class _ForVictims(OnceFormMixin):
    person = PersonChoiceField(label=_l("Person"), queryset=Person.objects.none(), empty_label=None)

    def __init__(self, *args: Any, people: QuerySet[Person], prefix_id: str, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{prefix_id}-%s")
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


class ConsentForm(_ForVictims):
    kind = forms.ChoiceField(label=_l("Consent"), choices=ConsentKind.choices)
    given_on = forms.DateField(label=_l("Given on"), widget=DATE)
    partner = forms.ModelChoiceField(
        label=_l("Partner organisation"),
        queryset=Partner.objects.none(),
        required=False,
        empty_label="—",
    )
    recipients = forms.CharField(
        label=_l("Bodies named (for a consent to share)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, partners: QuerySet[Partner], **kwargs: Any) -> None:
        super().__init__(*args, prefix_id="consent", **kwargs)
        self.fields["partner"].queryset = partners  # type: ignore[attr-defined]


class InterviewForm(_ForVictims):
    held_on = forms.DateField(label=_l("Date of the interview"), widget=DATE)
    interviewer_gender = forms.ChoiceField(
        label=_l("Interviewer's gender"), choices=_blank(Gender.choices)
    )
    interpreter = forms.BooleanField(label=_l("An interpreter took part"), required=False)
    interpreter_gender = forms.ChoiceField(
        label=_l("Interpreter's gender"), choices=_blank(Gender.choices), required=False
    )
    interpreter_tie = forms.ChoiceField(
        label=_l("Interpreter's tie to the detaining authority"),
        choices=_blank(Tie.choices),
        required=False,
    )
    methods = TermsField(
        label=_l("Methods"),
        queryset=Term.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sexual_violence = _text(_l("Sexual violence"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix_id="interview", **kwargs)
        self.fields["methods"].queryset = Term.objects.filter(  # type: ignore[attr-defined]
            vocabulary=vocab.METHOD, active=True
        )
        for name, label in INTERVIEW_SECTIONS:
            self.fields[name] = _text(label)
        # The sensitive section last, after the others.
        self.fields["sexual_violence"] = self.fields.pop("sexual_violence")

    def sections(self) -> list[Any]:
        return [self[name] for name, _label in INTERVIEW_SECTIONS]


class EvaluationForm(_ForVictims):
    kind = forms.ChoiceField(label=_l("Kind"), choices=EvaluationKind.choices)
    examined_on = forms.DateField(label=_l("Date of the examination"), widget=DATE)
    overall = forms.ChoiceField(
        label=_l("Overall conclusion"), choices=_blank(Consistency.choices), required=False
    )
    truthful = forms.BooleanField(label=_l("Statement of truthfulness made"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix_id="evaluation", **kwargs)
        for name, label in EVALUATION_SECTIONS:
            self.fields[name] = _text(label, rows=2)

    def sections(self) -> list[Any]:
        return [self[name] for name, _label in EVALUATION_SECTIONS]


class _FindingFields(forms.Form):
    type = forms.ChoiceField(label=_l("Type"), choices=FindingType.choices)
    region = forms.ChoiceField(label=_l("Body region"), choices=BodyRegion.choices)
    location = forms.CharField(label=_l("Location"), max_length=300, required=False)
    size = forms.CharField(label=_l("Size"), max_length=100, required=False)
    colour = forms.CharField(label=_l("Colour"), max_length=100, required=False)
    age_estimate = forms.CharField(label=_l("Age estimate"), max_length=100, required=False)
    description = _text(_l("Description"), rows=2)
    rating = forms.ChoiceField(label=_l("Consistency"), choices=_blank(Consistency.choices))
    # Filled by the body diagram when there is one; the list works without them.
    view = forms.ChoiceField(
        label=_l("Diagram view"), choices=_blank(DiagramView.choices), required=False
    )
    x = forms.FloatField(required=False, min_value=0, max_value=1, widget=forms.HiddenInput)
    y = forms.FloatField(required=False, min_value=0, max_value=1, widget=forms.HiddenInput)


class FindingForm(OnceFormMixin, _FindingFields):
    evaluation = EvaluationChoiceField(
        label=_l("Evaluation"), queryset=Evaluation.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, evaluations: QuerySet[Evaluation], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "finding-%s")
        super().__init__(*args, **kwargs)
        self.fields["evaluation"].queryset = evaluations  # type: ignore[attr-defined]


class FindingEditForm(_FindingFields):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "finding-%s")
        super().__init__(*args, **kwargs)


class ReportForm(forms.Form):
    """The report's language: chosen for its reader, not the page's."""

    language = forms.ChoiceField(label=_l("Language of the report"), choices=settings.LANGUAGES)
