from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from himoya.core.idempotency import OnceFormMixin


class StoryProposeForm(OnceFormMixin, forms.Form):
    language = forms.ChoiceField(label=_("Language of the story"), choices=())
    title = forms.CharField(label=_("Title"), max_length=255)
    summary = forms.CharField(
        label=_("Summary"), required=False, max_length=500, widget=forms.Textarea({"rows": 2})
    )
    body = forms.CharField(
        label=_("Text of the story"),
        max_length=20000,
        widget=forms.Textarea({"rows": 10}),
        help_text=_(
            "Write it yourself for the public: no names, no exact dates or places that "
            "identify anyone, no photographs of faces. Separate paragraphs by an empty line."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = settings.LANGUAGES  # type: ignore[attr-defined]


class StoryEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    summary = StoryProposeForm.base_fields["summary"]
    body = StoryProposeForm.base_fields["body"]


class StorySendBackForm(forms.Form):
    note = forms.CharField(
        label=_("What the author should change"),
        max_length=5000,
        widget=forms.Textarea({"rows": 4}),
        help_text=_("Only the author and the coordinators read it."),
    )


class StoryApproveForm(forms.Form):
    # The revision the reviewer read: an edit saved since then is not published unread.
    revision = forms.IntegerField(widget=forms.HiddenInput)
    no_names = forms.BooleanField(
        label=_("No names: neither the person's nor relatives', officers' or witnesses'.")
    )
    no_identifying_details = forms.BooleanField(
        label=_("No exact dates or places that could identify the person.")
    )
    no_faces = forms.BooleanField(
        label=_("No photographs of faces, no pictures that could identify anyone.")
    )
