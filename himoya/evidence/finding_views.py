"""The page where a clinician chooses a finding's photographs among the case's evidence
(linked from the finding's row on the evaluation panel)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from himoya.cases.forms import add_service_errors
from himoya.core.access import access_object
from himoya.core.policies import can
from himoya.core.views import staff_user
from himoya.documentation.models import Finding
from himoya.evidence import selectors
from himoya.evidence.findings import finding_photos_set
from himoya.evidence.models import CopyKind, FindingPhoto, WorkingCopy


class FindingPhotosForm(forms.Form):
    items = forms.MultipleChoiceField(
        label=gettext_lazy("Photographs of this finding"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


@require_http_methods(["GET", "POST"])
def finding_photos(request: HttpRequest, pk: int, finding_pk: int) -> HttpResponse:
    user = staff_user(request)
    case = selectors.access_case_evidence(user, pk)
    # Who may not read the evaluations learns nothing of them: a finding is 404 for them.
    if not can(user, "documentation.evaluation.view", case):
        raise Http404
    finding = access_object(
        Finding.objects.filter(evaluation__case=case).select_related("evaluation"),
        finding_pk,
        user=user,
    )
    finding.evaluation.case = case
    if not can(user, "documentation.evaluation.write", case):
        raise PermissionDenied
    items = list(selectors.case_items(case))
    thumbs: dict[int, WorkingCopy] = {
        copy.item_id: copy
        for copy in WorkingCopy.objects.filter(item__in=items, kind=CopyKind.THUMBNAIL)
    }
    for item in items:
        item.thumbnail = thumbs.get(item.pk)  # type: ignore[attr-defined]
    by_pk = {str(item.pk): item for item in items}
    form = FindingPhotosForm(request.POST or None)
    form.fields["items"].choices = [(str(i.pk), i.label) for i in items]  # type: ignore[attr-defined]
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                finding_photos_set(
                    actor=user,
                    finding=finding,
                    items=[by_pk[key] for key in form.cleaned_data["items"]],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The finding's photographs are saved."))
                return redirect(f"{reverse('cases:detail', args=[case.pk])}#finding-{finding.pk}")
        status = 400
    linked = set(FindingPhoto.objects.filter(finding=finding).values_list("item_id", flat=True))
    context: dict[str, Any] = {
        "case": case,
        "finding": finding,
        "form": form,
        "items": items,
        "linked": linked,
    }
    return render(request, "evidence/finding_photos.html", context, status=status)
