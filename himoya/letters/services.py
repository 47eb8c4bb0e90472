"""Writes of letters. Each checks permission first, runs in one transaction and records
its event (audit, and for a case's letter its timeline) inside it.

``generate_letter`` is the one way a letter is made from a template, from plain data;
``letter_create`` is it for a case, with the consent check and the stored, sealed data;
the worker makes its files (``generation.py``), and a batch makes many (``batches.py``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from himoya.cases.models import Case
from himoya.cases.services.common import not_in_future, user_of
from himoya.core import uploads
from himoya.core.audit import audit_record
from himoya.core.countries import country_error, normalise_country
from himoya.core.events import record_event
from himoya.core.formats import DAY_FIRST_DATE
from himoya.core.policies import require
from himoya.core.tasks import enqueue_on_commit
from himoya.documentation.models import ConsentKind
from himoya.documentation.services import require_consent, victims
from himoya.letters import rendering
from himoya.letters.deadlines import answer_due
from himoya.letters.generation import letter_generate
from himoya.letters.models import (
    AnswerReading,
    Channel,
    DayKind,
    Generation,
    Letter,
    LetterBatch,
    LetterStatus,
    LetterTemplate,
    Outcome,
    Recipient,
    RecipientKind,
)
from himoya.letters.ocr import letter_answer_read

# A proof of sending (a post receipt, a portal's confirmation) and an answer: scans,
# photos, PDFs, and an answer may come as a Word file.
PROOF = uploads.UploadPolicy(
    kinds=frozenset({uploads.PDF, uploads.PNG, uploads.JPEG, uploads.TIFF, uploads.WEBP}),
    too_large=gettext_lazy("The file is larger than %(size)s and was not stored."),
    wrong_kind=gettext_lazy("Upload a PDF file or an image (JPEG, PNG, TIFF)."),
)
ANSWER = uploads.UploadPolicy(
    kinds=frozenset(
        {uploads.PDF, uploads.PNG, uploads.JPEG, uploads.TIFF, uploads.WEBP, uploads.DOCX}
    ),
    too_large=gettext_lazy("The file is larger than %(size)s and was not stored."),
    wrong_kind=gettext_lazy("Upload a PDF file, an image or a Word document."),
)
TEMPLATE = uploads.UploadPolicy(
    kinds=frozenset({uploads.DOCX}),
    too_large=gettext_lazy("The file is larger than %(size)s and was not stored."),
    wrong_kind=gettext_lazy("Upload a Word document (.docx)."),
)


# ---------------------------------------------------------------- generation


def generate_letter(template: LetterTemplate, data: Mapping[str, Any]) -> rendering.Generated:
    """DOCX and PDF from a template version and plain data: no case, no account, no
    storage. The staff pages, the bot and the public site all make letters here."""
    return rendering.generate(
        bytes(template.content), rendering.parse_fields(template.fields), data
    )


def current_templates() -> list[LetterTemplate]:
    """The latest version of each template in each language."""
    latest: dict[tuple[str, str], LetterTemplate] = {}
    for t in LetterTemplate.objects.order_by("code", "language", "-version"):
        latest.setdefault((t.code, t.language), t)
    return list(latest.values())


# ---------------------------------------------------------------- reference data


# ISO 639-1: the languages a recipient accepts are stored as "ru,kk".
LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")


def language_codes(value: str) -> str:
    """``value`` as stored: lower-case two-letter codes joined by commas."""
    codes = [c.strip().lower() for c in value.split(",") if c.strip()]
    if not codes or any(not LANGUAGE_CODE.match(c) for c in codes):
        raise ValidationError(_("Name the languages as two-letter codes, e.g. ru,kk."))
    return ",".join(codes)


RECIPIENT_FIELDS = (
    "kind",
    "country",
    "name",
    "channel",
    "address",
    "languages",
    "answer_days",
    "day_kind",
    "legal_basis",
    "source",
    "verified",
    "active",
)


def recipient_save(*, actor: Any, recipient: Recipient | None = None, **values: Any) -> Recipient:
    """Adds a recipient or changes one (reference stewards)."""
    require(actor, "letters.recipient.manage", recipient)
    unknown = set(values) - set(RECIPIENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown recipient fields {sorted(unknown)}")
    errors = {}
    if values.get("kind", recipient.kind if recipient else "") not in RecipientKind.values:
        errors["kind"] = _("Choose the kind of recipient.")
    if values.get("channel", recipient.channel if recipient else "") not in Channel.values:
        errors["channel"] = pgettext("letter dispatch", "Choose the channel.")
    if values.get("day_kind", DayKind.WORKING) not in DayKind.values:
        errors["day_kind"] = _("Choose how the days are counted.")
    if not str(values.get("name", recipient.name if recipient else "")).strip():
        errors["name"] = _("Enter the name.")
    if values.get("country"):
        message = country_error(str(values["country"]))
        if message is not None:
            errors["country"] = message
        values["country"] = normalise_country(str(values["country"]))
    if "languages" in values:
        try:
            values["languages"] = language_codes(str(values["languages"]))
        except ValidationError as exc:
            errors["languages"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        target = recipient or Recipient()
        for name, value in values.items():
            setattr(target, name, value)
        target.full_clean()
        target.save()
        audit_record(
            actor=actor,
            action="letter.recipient.save",
            obj=target,
            data={"recipient": target.pk, "fields": sorted(values), "new": recipient is None},
        )
    return target


def template_upload(
    *,
    actor: Any,
    code: str,
    language: str,
    title: str,
    recipient_kinds: list[str],
    fields: str,
    content: bytes,
    source: str = "",
) -> LetterTemplate:
    """Adds the next version of a template, once it compiled and a trial render in the
    sandbox passed (``rendering.TemplateRefused`` names the line otherwise)."""
    require(actor, "letters.template.manage", None)
    bad = [k for k in recipient_kinds if k not in RecipientKind.values]
    if bad or not recipient_kinds:
        raise ValidationError({"recipient_kinds": _("Choose the recipients it is for.")})
    parsed = rendering.parse_fields(fields)
    if not parsed:
        raise ValidationError({"fields": _("Name at least one field.")})
    rendering.check_template(content, parsed)
    with transaction.atomic():
        last = (
            LetterTemplate.objects.select_for_update()
            .filter(code=code, language=language)
            .aggregate(v=Max("version"))["v"]
        )
        template = LetterTemplate.objects.create(
            code=code,
            language=language,
            version=(last or 0) + 1,
            title=title.strip(),
            recipient_kinds=",".join(recipient_kinds),
            fields=fields.strip(),
            content=content,
            source=source.strip(),
            created_by=user_of(actor),
        )
        audit_record(
            actor=actor,
            action="letter.template.upload",
            obj=template,
            data={"template": template.pk, "code": code, "version": template.version},
        )
    return template


# ---------------------------------------------------------------- a case's letters


def check_letter(case: Case, recipient: Recipient, template: LetterTemplate) -> None:
    """Refuses a recipient and template that do not go together, or with this case."""
    if recipient.kind not in template.kinds:
        raise ValidationError({"template": _("This template is not written for this recipient.")})
    if template.language not in recipient.language_list:
        raise ValidationError(
            {"template": _("The recipient does not accept letters in this language.")}
        )
    if recipient.country and recipient.country != case.country:
        raise ValidationError({"recipient": _("The recipient is in another country.")})


def missing_required(template: LetterTemplate, data: Mapping[str, Any]) -> None:
    """Refuses data that leaves a required field of the template empty, naming each."""
    missing = rendering.missing_fields(rendering.parse_fields(template.fields), data)
    if missing:
        raise ValidationError(
            {f.name: _("Fill in “%(field)s”.") % {"field": f.label} for f in missing}
        )


def draft_letter(
    *,
    actor: Any,
    case: Case,
    recipient: Recipient,
    template: LetterTemplate,
    data: Mapping[str, str],
    batch: LetterBatch | None = None,
) -> Letter:
    """Stores a draft letter and queues the making of its files; the caller holds the
    transaction, checked the permission, the pairing and the fields."""
    require_consent(case, ConsentKind.SHARING)
    letter = Letter.objects.create(
        case=case,
        recipient=recipient,
        template=template,
        data=json.dumps(dict(data), ensure_ascii=False),
        batch=batch,
        created_by=user_of(actor),
    )
    record_event(
        actor=actor,
        action="letter.create",
        obj=letter,
        organisation=case.organisation,
        case=case,
        data={
            "case": case.pk,
            "letter": letter.pk,
            "recipient": recipient.pk,
            "code": template.code,
            "version": template.version,
            "batch": batch.pk if batch is not None else None,
        },
    )
    enqueue_on_commit(letter_generate, letter.pk)
    return letter


def letter_create(
    *,
    actor: Any,
    case: Case,
    recipient: Recipient,
    template: LetterTemplate,
    data: Mapping[str, Any],
) -> Letter:
    """A draft letter of ``case``; the worker makes its DOCX and PDF
    (``generation.letter_generate``) once this commits. A letter tells its recipient
    about the victim, so every victim of the case must have consented to sharing: the
    check runs inside the transaction (a revocation waits for it), and again when the
    files are made. A required field left empty is refused here, with its name."""
    require(actor, "case.edit", case)
    check_letter(case, recipient, template)
    clean = {str(k): str(v or "") for k, v in data.items()}
    missing_required(template, clean)
    with transaction.atomic():
        letter = draft_letter(
            actor=actor, case=case, recipient=recipient, template=template, data=clean
        )
    return letter


def letter_regenerate(
    *, actor: Any, letter: Letter, data: Mapping[str, Any] | None = None
) -> Letter:
    """Queues the making of a failed letter's files again, once whoever may edit the
    case fixed what failed: the consent recorded since, or the fields (``data``, the
    template's fields to change; the others keep their stored value). Refused while the
    consent is still missing or a required field still empty, so that the worker is
    not asked for a letter that would fail the same way."""
    case = letter.case
    require(actor, "case.edit", case)
    names = {f.name for f in rendering.parse_fields(letter.template.fields)}
    changes = {str(k): str(v or "") for k, v in (data or {}).items()}
    unknown = sorted(set(changes) - names)
    if unknown:
        raise ValidationError(
            {name: _("The letter's template has no such field.") for name in unknown}
        )
    with transaction.atomic():
        locked = Letter.objects.select_for_update().get(pk=letter.pk)
        if locked.generation != Generation.FAILED:
            raise ValidationError(_("Only a letter whose files could not be made is made again."))
        stored = letter_data(locked)
        changed = sorted(n for n, v in changes.items() if stored.get(n, "") != v)
        merged = {**stored, **changes}
        missing_required(locked.template, merged)
        require_consent(case, ConsentKind.SHARING)
        previous = locked.generation_error.split(":")[0]
        locked.data = json.dumps(merged, ensure_ascii=False)
        locked.generation = Generation.PENDING
        locked.generation_error = ""
        locked.save(update_fields=["data", "generation", "generation_error"])
        record_event(
            actor=actor,
            action="letter.regenerate",
            obj=locked,
            organisation=case.organisation,
            case=case,
            data={"case": case.pk, "letter": locked.pk, "failed": previous, "fields": changed},
        )
        enqueue_on_commit(letter_generate, locked.pk)
    return locked


def letter_date(value: dt.date | None) -> str:
    """A date as letters to the authorities of Kazakhstan and Tajikistan write it
    (day first, ``core.formats``), whatever the language of the staff page."""
    return dateformat.format(value, DAY_FIRST_DATE) if value is not None else ""


def case_prefill(case: Case, recipient: Recipient) -> dict[str, str]:
    """What the case already says, for the lawyer to check and complete: only what a
    letter needs (the victim's name, the place and date, the summary). The staff page
    shows it in the form; the API fills the fields its caller left out."""
    people = victims(case)
    return {
        "recipient_name": recipient.name,
        "recipient_address": recipient.address,
        "applicant_name": case.organisation.name,
        "victim_name": ", ".join(p.full_name for p in people),
        "events_date": letter_date(case.events_from),
        "place": case.facility.name if case.facility is not None else "",
        "facts": case.summary,
        "country": case.country,
        "date": letter_date(timezone.localdate()),
    }


def letter_data(letter: Letter) -> dict[str, str]:
    return dict(json.loads(letter.data or "{}"))


def letter_sign(*, actor: Any, letter: Letter) -> Letter:
    case = letter.case
    require(actor, "letters.sign", case)
    with transaction.atomic():
        locked = Letter.objects.select_for_update().get(pk=letter.pk)
        if locked.status != LetterStatus.DRAFT:
            raise ValidationError(_("Only a draft can be signed off."))
        if locked.generation != Generation.DONE:
            raise ValidationError(_("The letter's files are not ready yet."))
        locked.status = LetterStatus.SIGNED
        locked.signed_by = user_of(actor)
        locked.signed_at = timezone.now()
        locked.save(update_fields=["status", "signed_by", "signed_at"])
        record_event(
            actor=actor,
            action="letter.sign",
            obj=locked,
            organisation=case.organisation,
            case=case,
            data={"case": case.pk, "letter": locked.pk},
        )
    return locked


def start_clock(letter: Letter, body: Recipient, start: dt.date) -> None:
    """Sets where and from when the answer's clock runs, and the due date by ``body``'s
    rule in its country (the case's for the UN bodies). Dispatch starts it at the
    recipient; a forwarding restarts it at the new body, and a new clock is not yet
    reminded of. The caller saves the letter."""
    letter.clock_at = body
    letter.clock_from = start
    letter.due_on = answer_due(body.rule, start, body.country or letter.case.country)
    letter.reminded_on = None


def letter_dispatch(
    *,
    actor: Any,
    letter: Letter,
    sent_on: dt.date,
    channel: str,
    outgoing_number: str = "",
    proof: Any = None,
) -> Letter:
    """Records that a signed letter was sent, and when its answer is due."""
    case = letter.case
    require(actor, "case.edit", case)
    if channel not in Channel.values:
        raise ValidationError({"channel": pgettext("letter dispatch", "Choose the channel.")})
    not_in_future(sent_on, field_name="sent_on")
    with transaction.atomic():
        locked = Letter.objects.select_for_update().get(pk=letter.pk)
        if locked.status != LetterStatus.SIGNED:
            raise ValidationError(_("A letter is sent once, after a lawyer signed it off."))
        locked.status = LetterStatus.SENT
        locked.sent_on = sent_on
        locked.channel = channel
        locked.outgoing_number = outgoing_number.strip()
        start_clock(locked, locked.recipient, sent_on)
        if proof is not None:
            accepted = uploads.check_upload(proof, PROOF)
            locked.proof.save(accepted.name, accepted.file, save=False)
        locked.save()
        record_event(
            actor=actor,
            action="letter.dispatch",
            obj=locked,
            organisation=case.organisation,
            case=case,
            data={
                "case": case.pk,
                "letter": locked.pk,
                "sent_on": sent_on.isoformat(),
                "channel": channel,
                "due_on": locked.due_on.isoformat() if locked.due_on else None,
                "proof": proof is not None,
            },
        )
    return locked


def letter_answer(
    *,
    actor: Any,
    letter: Letter,
    answered_on: dt.date,
    outcome: str,
    note: str = "",
    answer: Any = None,
    forwarded_to: Recipient | None = None,
) -> Letter:
    """Records an answer. Forwarded to another body, the appeal is still waiting: the
    clock restarts there, from the day of the forwarding notice, by that body's rule."""
    case = letter.case
    require(actor, "case.edit", case)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose what the answer says.")})
    if outcome == Outcome.FORWARDED and forwarded_to is None:
        raise ValidationError({"forwarded_to": _("Choose the body it was forwarded to.")})
    not_in_future(answered_on, field_name="answered_on")
    with transaction.atomic():
        locked = Letter.objects.select_for_update().get(pk=letter.pk)
        if locked.status != LetterStatus.SENT:
            raise ValidationError(_("Only a sent letter waits for an answer."))
        if locked.sent_on and answered_on < locked.sent_on:
            raise ValidationError(
                {"answered_on": _("The answer cannot be earlier than the dispatch.")}
            )
        locked.answered_on = answered_on
        locked.outcome = outcome
        locked.answer_note = note.strip()
        if answer is not None:
            accepted = uploads.check_upload(answer, ANSWER)
            locked.answer.save(accepted.name, accepted.file, save=False)
            # The text comes from the worker (letters.ocr); until then the page says so.
            locked.answer_text = None
            locked.answer_reading = AnswerReading.PENDING
            enqueue_on_commit(letter_answer_read, locked.pk)
        if outcome == Outcome.FORWARDED:
            assert forwarded_to is not None
            start_clock(locked, forwarded_to, answered_on)
        else:
            locked.status = LetterStatus.ANSWERED
        locked.save()
        record_event(
            actor=actor,
            action="letter.answer",
            obj=locked,
            organisation=case.organisation,
            case=case,
            data={
                "case": case.pk,
                "letter": locked.pk,
                "outcome": outcome,
                "answered_on": answered_on.isoformat(),
                "forwarded_to": forwarded_to.pk if forwarded_to else None,
                "due_on": locked.due_on.isoformat() if locked.due_on else None,
            },
        )
    return locked


FILES = ("docx", "pdf", "proof", "answer")


def letter_file(*, actor: Any, letter: Letter, which: str) -> Any:
    """Opens one of a letter's files for a reader of its case; the download is audited.
    The caller found the letter through the case's access helper."""
    if which not in FILES:
        raise ValueError(which)
    require(actor, "case.view", letter.case)
    field = getattr(letter, which)
    if not field:
        return None
    audit_record(
        actor=actor,
        action="letter.download",
        obj=letter,
        organisation=letter.case.organisation,
        data={"case": letter.case_id, "letter": letter.pk, "file": which},
    )
    return field.open("rb")
