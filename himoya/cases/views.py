"""Staff pages for the lawyers' daily work: the case list, registering appeals, the
case page with everything that hangs off a case, the dashboard's case panel, and the
registries of places of detention and partner organisations.

Views stay thin: they parse a form, call a service (which checks permissions and
writes the audit record) and render. Every read of case data starts from
``selectors.access_case`` / ``visible_cases`` / ``access_person``, which answer 404 for
missing and forbidden alike; records hanging off a case are looked up within it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from himoya.accounts.models import Organisation, User
from himoya.cases import exports, selectors, services
from himoya.cases.forms import (
    AppealForm,
    AssignForm,
    CaseFactsForm,
    CaseFilterForm,
    CustodyForm,
    DuplicateCheckForm,
    FacilityFilterForm,
    FacilityForm,
    HearingForm,
    NoteForm,
    PartnerForm,
    ReferralCloseForm,
    ReferralForm,
    ShareForm,
    StatusForm,
    TaskForm,
    ViolationForm,
    add_service_errors,
    country_label,
)
from himoya.cases.models import (
    Alert,
    Case,
    CaseStatus,
    Facility,
    Outcome,
    Partner,
    Person,
    Task,
)
from himoya.core import events, uploads
from himoya.core.access import access_object
from himoya.core.audit import audit_record
from himoya.core.policies import can

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _organisation(request: HttpRequest) -> Organisation:
    org = _user(request).organisation
    if org is None:
        raise Http404
    return org


# ---------------------------------------------------------------- the case list


def _querystring(request: HttpRequest, *, drop: tuple[str, ...] = ("page",), **extra: str) -> str:
    params = request.GET.copy()
    for name in drop:
        params.pop(name, None)
    for name, value in extra.items():
        params[name] = value
    return params.urlencode()


@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases the user may see, filtered; htmx asks for the results part only."""
    user = _user(request)
    form = CaseFilterForm(request.GET or None, user=user)
    filters = form.filters() if form.is_bound else selectors.CaseFilters()
    sort = form.ordering() if form.is_bound else "-opened"
    page = selectors.case_list_page(
        user,
        filters,
        number=request.GET.get("page"),
        per_page=PAGE_SIZE,
        oldest_first=sort == "opened",
    )
    # A list shows names: which cases were on the screen is logged like a case view.
    audit_record(
        actor=user,
        action="case.list",
        data={
            "filters": exports.describe_filters(filters),
            "page": page.number,
            "cases": [case.pk for case in page.object_list],
        },
    )
    context = {
        "form": form,
        "page": page,
        "sort": sort,
        "ranked": bool(filters.q),
        "query": _querystring(request),
        "sort_query": _querystring(
            request, drop=("page", "sort"), sort="opened" if sort == "-opened" else "-opened"
        ),
        "export_query": _querystring(request),
        "can_export": can(user, "case.export", user.organisation),
        "can_register": can(user, "appeal.register", user.organisation),
    }
    if request.htmx and request.htmx.target == "case-results":  # type: ignore[attr-defined]
        return render(request, "cases/_results.html", context)
    return render(request, "cases/list.html", context)


@require_GET
def case_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The current filtered list as CSV or XLSX (see exports.case_export)."""
    user = _user(request)
    form = CaseFilterForm(request.GET, user=user)
    try:
        export = exports.case_export(
            actor=user, filters=form.filters(), fmt=fmt, order=form.ordering()
        )
    except ValidationError:
        raise Http404 from None
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


# ---------------------------------------------------------------- registering an appeal


def _checked_attachment(form: AppealForm) -> UploadedFile | None:
    """The uploaded letter under a random name (the original name may name a person),
    or None; adds an error to the form when it is not a PDF or an image."""
    upload = form.cleaned_data.get("attachment")
    if not upload:
        return None
    try:
        accepted = uploads.check_upload(upload, uploads.APPEAL_LETTER)
    except ValidationError as exc:
        form.add_error("attachment", exc)
        return None
    upload.name = accepted.name
    return cast(UploadedFile, upload)


def _appeal_input(data: dict[str, Any]) -> services.AppealInput:
    victim = services.PersonInput(
        full_name=data["victim_name"],
        sex=data["victim_sex"],
        birth_date=data.get("victim_birth") or "",
        phone=data.get("victim_phone") or "",
        document_number=data.get("victim_document") or "",
    )
    applicant = None
    if data.get("applicant_name"):
        applicant = services.PersonInput(
            full_name=data["applicant_name"], phone=data.get("applicant_phone") or ""
        )
    return services.AppealInput(
        received_on=data["received_on"],
        channel=data["channel"],
        consent_processing=bool(data["consent_processing"]),
        consent_representation=bool(data.get("consent_representation")),
        content=data.get("content") or "",
        urgency=data["urgency"],
        victim=victim,
        # A ticked box says "minor"; unticked leaves it to the date of birth.
        victim_is_minor=True if data.get("victim_is_minor") else None,
        applicant=applicant,
        applicant_relation=data.get("applicant_relation") or "",
        country=data["country"],
        region=data.get("region"),
        facility=data.get("facility"),
        agency=data.get("agency") or "unknown",
        violations=list(data.get("violations") or []),
        events_from=data.get("events_from"),
        events_to=data.get("events_to"),
        summary=data.get("summary") or "",
        team=data.get("team"),
        lawyer=data.get("lawyer"),
    )


def _attach_target(request: HttpRequest, form: AppealForm) -> Case | None:
    """The case named in "attach to", if the user may edit it; else a form error."""
    number = (form.cleaned_data.get("attach_to") or "").strip()
    if not number:
        return None
    user = _user(request)
    case = selectors.visible_cases(user).filter(number__iexact=number).first()
    if case is None or not can(user, "case.edit", case):
        form.add_error("attach_to", _("There is no case with this number that you may add to."))
        return None
    return selectors.access_case(user, case.pk, audit=False)


def _may_register(request: HttpRequest) -> None:
    if not can(_user(request), "appeal.register", _organisation(request)):
        raise PermissionDenied  # before a byte of the body is read


def _letter_refused(request: HttpRequest, message: str) -> HttpResponse:
    # Refused before a byte of the body was read: nothing to check or keep.
    context = {"form": AppealForm(user=_user(request)), "refused": message}
    return render(request, "cases/appeal_form.html", context, status=413)


@require_http_methods(["GET", "POST"])
@uploads.guarded_upload(uploads.APPEAL_LETTER, refused=_letter_refused, before=_may_register)
def appeal_new(request: HttpRequest) -> HttpResponse:
    """Registers an appeal. The scanned letter is refused over the size limit while it
    streams in, before anything is stored (``core.uploads``)."""
    user = _user(request)
    organisation = _organisation(request)
    initial = {"attach_to": request.GET.get("case", "")[:30]}
    form = AppealForm(request.POST or None, request.FILES or None, user=user, initial=initial)
    status = 200
    if request.method == "POST":
        refused = uploads.upload_refusal(request)
        if refused:
            form.add_error("attachment", refused)
        if form.is_valid():
            target = _attach_target(request, form)
            attachment = _checked_attachment(form)
            if form.is_valid():
                try:
                    appeal = services.appeal_register(
                        actor=user,
                        organisation=organisation,
                        data=_appeal_input(form.cleaned_data),
                        case=target,
                        attachment=attachment,
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    if target is None:
                        text = _("The appeal is registered and case %(number)s is opened.")
                    else:
                        text = _("The appeal is registered in case %(number)s.")
                    messages.success(request, text % {"number": appeal.case.number})
                    return redirect("cases:detail", pk=appeal.case_id)
        status = 413 if refused else 400
    return render(request, "cases/appeal_form.html", {"form": form}, status=status)


@require_POST
def duplicate_hints(request: HttpRequest) -> HttpResponse:
    """While the appeal form is typed: cases the user may see in which a person with
    the same name, phone or document number already appears. (POST, so the typed
    details never land in a URL or an access log.)"""
    user = _user(request)
    form = DuplicateCheckForm(request.POST)
    hints: list[dict[str, Any]] = []
    if form.is_valid() and user.organisation_id:
        data = form.cleaned_data
        checks = (
            ("victim", data["victim_name"], data["victim_phone"], data["victim_document"]),
            ("applicant", data["applicant_name"], data["applicant_phone"], ""),
        )
        for who, name, phone, document in checks:
            for hint in selectors.person_duplicates(
                user, full_name=name, phone=phone, document_number=document
            ):
                hints.append(
                    {
                        "text": _hint_text(who, hint.field, len(hint.case_numbers)),
                        "cases": _cases_by_number(user, hint.case_numbers),
                    }
                )
    if hints:
        # A hint tells where a phone or a name appears: logged, with the cases named.
        audit_record(
            actor=user,
            action="person.duplicates",
            data={
                "fields": sorted(k for k, v in form.cleaned_data.items() if v),
                "cases": sorted({c.pk for hint in hints for c in hint["cases"]}),
            },
        )
    return render(request, "cases/_duplicates.html", {"hints": hints})


def _hint_text(who: str, field: str, count: int) -> str:
    if who == "victim":
        texts = {
            "full_name": ngettext(
                "A person with this name already appears in case",
                "A person with this name already appears in cases",
                count,
            ),
            "phone": ngettext(
                "This phone number already appears in case",
                "This phone number already appears in cases",
                count,
            ),
            "document_number": ngettext(
                "This document number already appears in case",
                "This document number already appears in cases",
                count,
            ),
        }
    else:
        texts = {
            "full_name": ngettext(
                "The applicant's name already appears in case",
                "The applicant's name already appears in cases",
                count,
            ),
            "phone": ngettext(
                "The applicant's phone number already appears in case",
                "The applicant's phone number already appears in cases",
                count,
            ),
            "document_number": "",
        }
    return texts.get(field, "")


def _cases_by_number(user: User, numbers: list[str]) -> list[Case]:
    return list(selectors.visible_cases(user).filter(number__in=numbers).order_by("number"))


# ---------------------------------------------------------------- the case page


class Timeline:
    """Turns the case's events (codes and ids) into sentences in the user's language."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.events = list(selectors.case_timeline(case))
        # What the case page shows anyway: its tasks' titles and whom it referred where.
        self.names = events.Names.load(
            ((e.kind, e.data) for e in self.events),
            extra={
                "task": {t.pk: t.title for t in case.tasks.all()},
                "referral": {
                    r.pk: (r.person.full_name, str(r.partner) if r.partner else "")
                    for r in case.referrals.select_related("person", "partner")
                },
            },
        )

    def entries(self) -> list[dict[str, Any]]:
        return [
            {
                "at": e.at,
                "actor": str(e.actor) if e.actor else _("System"),
                "text": events.sentence(e.kind, e.data, self.names),
                "kind": e.kind,
            }
            for e in self.events
        ]


def _status(code: str) -> str:
    return str(CaseStatus(code).label) if code in CaseStatus.values else code


def _transitions(case: Case, user: User) -> list[tuple[str, str]]:
    """The status buttons this user gets on this case (closing has its own form)."""
    if not can(user, "case.edit", case):
        return []
    if case.status == CaseStatus.CLOSED and not can(user, "case.manage", case):
        return []
    allowed = services.ALLOWED_TRANSITIONS[CaseStatus(case.status)]
    order = [s for s in CaseStatus.values if s in allowed and s != CaseStatus.CLOSED]
    return [(s, _status(s)) for s in order]


def _persons_queryset(case: Case) -> QuerySet[Person]:
    return Person.objects.filter(parties__case=case).distinct()


def _detail_context(request: HttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    user = _user(request)
    org = case.organisation
    can_edit = can(user, "case.edit", case)
    can_manage = can(user, "case.manage", case)
    parties = list(selectors.case_parties(case))
    persons = _persons_queryset(case)
    custody = {
        p.person_id: list(p.person.custody.select_related("facility").all()) for p in parties
    }
    for party in parties:
        party.custody_records = custody.get(party.person_id, [])  # type: ignore[attr-defined]
    has_custody = any(custody.values())
    today = timezone.localdate()
    tasks = list(case.tasks.select_related("assignee").all())
    for task in tasks:
        task.overdue = task.is_overdue(today)  # type: ignore[attr-defined]
    version = {"version": case.version}
    defaults: dict[str, Any] = {
        "status_form": StatusForm(initial=version),
        "assign_form": AssignForm(
            initial={**version, "lawyer": case.lawyer_id, "team": case.team_id}, organisation=org
        )
        if can_manage
        else None,
        "share_form": ShareForm(case_organisation_id=case.organisation_id) if can_manage else None,
        "task_form": TaskForm(organisation=org),
        "note_form": NoteForm(),
        "hearing_form": HearingForm(organisation=org),
        "referral_form": ReferralForm(
            persons=persons, partners=Partner.objects.filter(organisation=org)
        ),
        "custody_form": CustodyForm(persons=persons, initial={"since": today}),
        "violation_form": ViolationForm(),
        "close_form": StatusForm(initial={**version, "status": CaseStatus.CLOSED}),
    }
    failed_referral = forms.pop("failed_referral", None)
    failed_close_form = forms.pop("referral_close_form", None)
    defaults.update(forms)
    referrals = list(case.referrals.select_related("partner", "person"))
    for referral in referrals:
        if referral.pk == failed_referral and failed_close_form is not None:
            referral.close_form = failed_close_form  # type: ignore[attr-defined]
        else:
            referral.close_form = ReferralCloseForm(  # type: ignore[attr-defined]
                initial={"ended_on": today}, auto_id=f"end{referral.pk}-%s"
            )
    return {
        "case": case,
        "parties": parties,
        "has_custody": has_custody,
        "appeals": list(selectors.case_appeals(case)),
        "violations": list(case.violations.select_related("type", "facility")),
        "tasks": tasks,
        "notes": list(case.notes.select_related("author")),
        "hearings": list(case.hearings.prefetch_related("attendees")),
        "referrals": referrals,
        "failed_referral": failed_referral,
        "shares": list(case.shares.select_related("organisation")) if can_manage else [],
        "timeline": Timeline(case).entries(),
        "transitions": _transitions(case, user),
        "can_close": can_edit and case.status != CaseStatus.CLOSED,
        "can_edit": can_edit,
        "can_note": can(user, "case.note", case),
        "can_manage": can_manage,
        "can_register": can(user, "appeal.register", user.organisation) and can_edit,
        "country_name": country_label(case.country),
        "outcomes": Outcome.choices,
        **defaults,
    }


@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.access_case(_user(request), pk)
    return render(request, "cases/detail.html", _detail_context(request, case))


def _invalid(request: HttpRequest, case: Case, anchor: str, **forms: Any) -> HttpResponse:
    """The case page again, with the form that failed showing its errors."""
    messages.error(request, _("Please correct the errors below."))
    context = _detail_context(request, case, **forms)
    context["open_section"] = anchor
    return render(request, "cases/detail.html", context, status=400)


def _back(case: Case, anchor: str = "") -> HttpResponse:
    url = reverse("cases:detail", args=[case.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _edit_case(request: HttpRequest, pk: int) -> Case:
    """The case for a change: 404 if the user may not see it. Whether they may change
    it is the service's check (PermissionDenied, answered 403); the change's own audit
    event records the access."""
    return selectors.access_case(_user(request), pk, audit=False)


@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The case facts. The form carries the version it was opened at; if someone saved
    in between, the service refuses and names them."""
    user = _user(request)
    case = selectors.access_case(user, pk, audit=request.method == "GET")
    if not can(user, "case.edit", case):
        raise PermissionDenied
    initial = {
        "version": case.version,
        "country": case.country,
        "region": case.region_id,
        "facility": case.facility_id,
        "agency": case.agency.code if case.agency else "unknown",
        "events_from": case.events_from,
        "events_to": case.events_to,
        "summary": case.summary,
    }
    form = CaseFactsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        region = data["region"] or (0 if case.region_id else None)
        facility = data["facility"] or (0 if case.facility_id else None)
        try:
            services.case_update(
                actor=user,
                case=case,
                changes=services.CaseChanges(
                    summary=data["summary"],
                    country=data["country"],
                    region=region,
                    facility=facility,
                    agency=data["agency"],
                    events_from=data["events_from"],
                    events_to=data["events_to"],
                ),
                expected_version=data["version"],
            )
        except services.ConcurrentEdit as exc:
            form.add_error(None, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The case facts are saved."))
            return _back(case)
    status = 400 if form.errors else 200
    return render(request, "cases/edit.html", {"case": case, "form": form}, status=status)


@require_POST
def case_status(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = _edit_case(request, pk)
    form = StatusForm(request.POST)
    closing = request.POST.get("status") == CaseStatus.CLOSED
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.case_change_status(
                actor=user,
                case=case,
                status=data["status"],
                outcome=data["outcome"],
                expected_version=data["version"],
            )
        except services.ConcurrentEdit as exc:
            messages.error(request, exc.messages[0])
            return _back(case, "status")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The case is now “%(status)s”.") % {"status": _status(data["status"])},
            )
            return _back(case, "status")
    case = selectors.access_case(user, pk, audit=False)
    key = "close_form" if closing else "status_form"
    return _invalid(request, case, "status", **{key: form})


@require_POST
def case_assign(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = _edit_case(request, pk)
    if not can(user, "case.manage", case):
        raise PermissionDenied
    form = AssignForm(request.POST, organisation=case.organisation)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.case_assign(
                actor=user,
                case=case,
                lawyer=data["lawyer"],
                team=data["team"],
                expected_version=data["version"],
            )
        except services.ConcurrentEdit as exc:
            messages.error(request, exc.messages[0])
            return _back(case, "assignment")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The assignment is saved."))
            return _back(case, "assignment")
    return _invalid(request, case, "assignment", assign_form=form)


@require_POST
def case_share(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = _edit_case(request, pk)
    if not can(user, "case.manage", case):
        raise PermissionDenied
    form = ShareForm(request.POST, case_organisation_id=case.organisation_id)
    if form.is_valid():
        try:
            services.case_share(
                actor=user, case=case, organisation=form.cleaned_data["organisation"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The case is shared with %(organisation)s.")
                % {"organisation": form.cleaned_data["organisation"]},
            )
            return _back(case, "sharing")
    return _invalid(request, case, "sharing", share_form=form)


@require_POST
def case_unshare(request: HttpRequest, pk: int, share_pk: int) -> HttpResponse:
    user = _user(request)
    case = _edit_case(request, pk)
    if not can(user, "case.manage", case):
        raise PermissionDenied
    share = access_object(case.shares.select_related("organisation"), share_pk, user=user)
    services.case_unshare(actor=user, case=case, organisation=share.organisation)
    messages.success(
        request,
        _("The case is no longer shared with %(organisation)s.")
        % {"organisation": share.organisation},
    )
    return _back(case, "sharing")


@require_POST
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = _edit_case(request, pk)
    form = TaskForm(request.POST, organisation=case.organisation)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.task_add(
                actor=user,
                case=case,
                title=data["title"],
                due_on=data["due_on"],
                remind_on=data["remind_on"],
                assignee=data["assignee"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The task is added."))
            return _back(case, "tasks")
    return _invalid(request, case, "tasks", task_form=form)


@require_POST
def task_done(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    user = _user(request)
    case = _edit_case(request, pk)
    task = access_object(case.tasks.all(), task_pk, user=user)
    task.case = case
    services.task_complete(actor=user, task=task)
    messages.success(request, _("The task is marked as done."))
    return _back(case, "tasks")


@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = _edit_case(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.note_add(actor=user, case=case, text=form.cleaned_data["text"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The note is added."))
            return _back(case, "notes")
    return _invalid(request, case, "notes", note_form=form)


@require_POST
def hearing_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = _edit_case(request, pk)
    form = HearingForm(request.POST, organisation=case.organisation)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.hearing_add(
                actor=user,
                case=case,
                court=data["court"],
                starts_at=data["starts_at"],
                attendees=data["attendees"],
                note=data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The court hearing is recorded."))
            return _back(case, "hearings")
    return _invalid(request, case, "hearings", hearing_form=form)


@require_POST
def referral_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = _edit_case(request, pk)
    form = ReferralForm(
        request.POST,
        persons=_persons_queryset(case),
        partners=Partner.objects.filter(organisation=case.organisation),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.referral_add(
                actor=user,
                case=case,
                person=data["person"],
                kind=data["kind"],
                partner=data["partner"],
                started_on=data["started_on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The referral is recorded."))
            return _back(case, "referrals")
    return _invalid(request, case, "referrals", referral_form=form)


@require_POST
def referral_close(request: HttpRequest, pk: int, referral_pk: int) -> HttpResponse:
    user = _user(request)
    case = _edit_case(request, pk)
    referral = access_object(case.referrals.all(), referral_pk, user=user)
    referral.case = case
    form = ReferralCloseForm(request.POST, auto_id=f"end{referral.pk}-%s")
    if form.is_valid():
        try:
            services.referral_close(
                actor=user,
                referral=referral,
                ended_on=form.cleaned_data["ended_on"],
                outcome=form.cleaned_data["outcome"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The end of the referral is recorded."))
            return _back(case, "referrals")
    return _invalid(
        request, case, "referrals", referral_close_form=form, failed_referral=referral.pk
    )


@require_POST
def custody_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = _edit_case(request, pk)
    form = CustodyForm(request.POST, persons=_persons_queryset(case))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.custody_record(
                actor=user,
                case=case,
                person=data["person"],
                facility=data["facility"],
                since=data["since"],
                note=data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The place of detention is recorded."))
            return _back(case, "custody")
    return _invalid(request, case, "custody", custody_form=form)


@require_POST
def violation_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = _edit_case(request, pk)
    form = ViolationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.violation_add(
                actor=user,
                case=case,
                type_code=data["type"],
                occurred_on=data["occurred_on"],
                facility=data["facility"],
                description=data["description"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The violation is added."))
            return _back(case, "violations")
    return _invalid(request, case, "violations", violation_form=form)


@require_GET
def appeal_letter(request: HttpRequest, pk: int, appeal_pk: int) -> FileResponse:
    """The scanned letter of an appeal, decrypted, as a download (never shown inline)
    with a content type taken from its content; the download is audit-logged."""
    user = _user(request)
    case = selectors.access_case(user, pk, audit=False)
    appeal = access_object(case.appeals.all(), appeal_pk, user=user)
    if not appeal.attachment:
        raise Http404
    handle = appeal.attachment.open("rb")
    kind = uploads.sniff(handle)
    if kind is None or kind not in uploads.APPEAL_LETTER.kinds:
        content_type, ext = "application/octet-stream", "bin"
    else:
        content_type, ext = kind.content_type, kind.extension
    audit_record(
        actor=user,
        action="appeal.download",
        obj=appeal,
        organisation=case.organisation,
        data={"case": case.pk},
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{case.number}-appeal-{appeal.pk}.{ext}",
        content_type=content_type,
    )
    return response


# ---------------------------------------------------------------- dashboard


def _alert_text(alert: Alert, names: dict[Any, str], places: dict[Any, str]) -> str:
    d = alert.data
    if alert.kind == Alert.Kind.TRANSFER:
        return _(
            "%(person)s was transferred from %(old)s to %(new)s on %(date)s (case %(number)s)."
        ) % {
            "person": names.get(d.get("person"), _("A person")),
            "old": places.get(d.get("from"), "?"),
            "new": places.get(d.get("to"), "?"),
            "date": d.get("since", ""),
            "number": alert.case.number,
        }
    if alert.kind == Alert.Kind.TASK_DUE:
        return _("A task in case %(number)s is due on %(date)s.") % {
            "number": alert.case.number,
            "date": d.get("due_on", ""),
        }
    return _("Alert in case %(number)s.") % {"number": alert.case.number}


def _dashboard_context(user: User) -> dict[str, Any]:
    visible = selectors.visible_cases(user)
    today = timezone.localdate()
    mine = (
        visible.exclude(status=CaseStatus.CLOSED)
        .filter(Q(lawyer=user) | Q(team__members=user) | Q(created_by=user))
        .distinct()
        .select_related("facility")
        .order_by("-opened_on", "-id")
    )
    tasks = (
        Task.objects.outstanding()
        .filter(case__in=visible, assignee=user, due_on__lte=today + dt.timedelta(days=7))
        .select_related("case")
        .order_by("due_on", "id")
    )
    alerts = list(
        Alert.objects.filter(recipient=user, read_at__isnull=True, case__in=visible)
        .select_related("case")
        .order_by("-created_at")[:50]
    )
    person_ids = {a.data.get("person") for a in alerts} - {None}
    names = {p.pk: p.full_name for p in selectors.visible_persons(user).filter(pk__in=person_ids)}
    place_ids = {a.data.get(k) for a in alerts for k in ("from", "to")} - {None}
    places = {f.pk: f.name for f in Facility.objects.filter(pk__in=place_ids)}
    task_rows = list(tasks[:50])
    for task in task_rows:
        task.overdue = task.is_overdue(today)  # type: ignore[attr-defined]
    return {
        "my_cases": list(mine[:20]),
        "my_cases_count": mine.count(),
        "tasks": task_rows,
        "overdue_count": len([t for t in task_rows if getattr(t, "overdue", False)]),
        "alerts": [{"alert": a, "text": _alert_text(a, names, places)} for a in alerts],
        "can_register": can(user, "appeal.register", user.organisation),
    }


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The case part of the home page (loaded into it by htmx; a page of its own
    without scripts)."""
    context = _dashboard_context(_user(request))
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "cases/_dashboard.html", context)
    return render(request, "cases/dashboard.html", context)


@require_POST
def alert_read(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    visible = selectors.visible_cases(user)
    alert = access_object(
        Alert.objects.filter(recipient=user, case__in=visible).select_related("case"), pk, user=user
    )
    services.alert_mark_read(actor=user, alert=alert)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "cases/_dashboard.html", _dashboard_context(user))
    messages.success(request, _("The alert is marked as read."))
    return redirect("staff:home")


# ---------------------------------------------------------------- registries


@require_http_methods(["GET", "POST"])
def facility_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    may_add = can(user, "facility.manage")
    filters = FacilityFilterForm(request.GET or None)
    qs = selectors.facilities().order_by("country", "name")
    if filters.is_bound and filters.is_valid():
        data = filters.cleaned_data
        if data["country"]:
            qs = qs.filter(country=data["country"])
        if data["region"]:
            qs = qs.filter(region_id=data["region"])
        if data["type"]:
            qs = qs.filter(type__code=data["type"])
    form = FacilityForm(
        request.POST or None,
        initial={"country": user.organisation.country if user.organisation else ""},
    )
    status = 200
    if request.method == "POST":
        if not may_add:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                facility = services.facility_create(
                    actor=user,
                    name=data["name"],
                    country=data["country"],
                    region=data["region"],
                    type_code=data["type"],
                    agency_code=data["agency"],
                    address=data["address"],
                    source=data["source"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("%(name)s is added to the registry.") % {"name": facility.name}
                )
                return redirect("cases:facilities")
        status = 400
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "form": form if may_add else None,
        "query": _querystring(request),
        "open_add": request.method == "POST",
    }
    return render(request, "cases/facilities.html", context, status=status)


@require_http_methods(["GET", "POST"])
def partner_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    org = _organisation(request)
    may_add = can(user, "partner.manage", org)
    form = PartnerForm(request.POST or None, initial={"country": org.country})
    status = 200
    if request.method == "POST":
        if not may_add:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                partner = services.partner_create(
                    actor=user,
                    organisation=org,
                    name=data["name"],
                    legal=data["legal"],
                    medical=data["medical"],
                    psychological=data["psychological"],
                    country=data["country"],
                    contact=data["contact"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("%(name)s is added to the partners.") % {"name": partner.name}
                )
                return redirect("cases:partners")
        status = 400
    partners = Partner.objects.filter(organisation=org).order_by("name")
    context = {
        "partners": partners,
        "form": form if may_add else None,
        "open_add": request.method == "POST",
    }
    return render(request, "cases/partners.html", context, status=status)
