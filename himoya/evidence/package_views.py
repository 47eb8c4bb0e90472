"""The evidence package's handler: the form on the case page's evidence panel posts
here, and the answer is the ZIP itself, streamed as it is built (``package``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from himoya.cases.forms import add_service_errors
from himoya.cases.views.case_action import CaseAction
from himoya.core.policies import can
from himoya.evidence import selectors
from himoya.evidence.forms import PackageForm
from himoya.evidence.package import evidence_package

ANCHOR = "evidence"


@require_POST
def package(request: HttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    action = CaseAction(request, pk, anchor=ANCHOR)
    # Who may not see the case's evidence learns nothing of it (404); who sees it but
    # may not hand it out is refused (403) before the form is read.
    selectors.access_case_evidence(action.user, pk)
    if not can(action.user, "evidence.share", action.case):
        raise PermissionDenied
    form = PackageForm(request.POST, case=action.case, user=action.user)
    if form.is_valid():
        try:
            made = evidence_package(
                actor=action.user,
                case=action.case,
                chosen=form.chosen_files(),
                recipient=form.chosen_recipient(),
                purpose=form.cleaned_data["purpose"],
                language=form.cleaned_data["language"],
                evaluation=form.chosen_evaluation(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            response = StreamingHttpResponse(made.stream(), content_type="application/zip")
            response["Content-Length"] = str(made.size)
            response["Content-Disposition"] = content_disposition_header(True, made.filename)
            response["X-Content-Type-Options"] = "nosniff"
            response["Cache-Control"] = "private, no-store"
            # The hash on the audit chain, for whoever receives the file to compare.
            response["X-Package-SHA256"] = made.sha256
            return response
    return action.invalid({"package_form": form})
