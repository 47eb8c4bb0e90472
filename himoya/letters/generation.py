"""Making a case's letter's DOCX and PDF on the background worker.

``services.letter_create`` (and ``batches.letter_batch_create``) store the letter's data
as a draft and queue ``letter_generate`` when their transaction commits; the request
never waits for WeasyPrint. The job renders outside any transaction (a render takes
a second or so and holds no lock), then in one transaction locks the letter, checks the
victims' consent again (it may have been revoked since), saves both files and marks the
letter ready. The files and the mark are one commit: a worker killed before it leaves
the letter as it was, still ``pending`` with no files, and the retry renders it again
(the encrypted files the dead worker may have written are referenced by nothing).

A job run again for a letter that is ready does nothing. A letter that cannot be made
(a required field empty, the consent gone, a template that fails) is marked ``failed``
with a code (``Letter.generation_error``) that :func:`failure_reason` words for the page.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from jinja2.exceptions import TemplateError

from himoya.core.events import record_event
from himoya.core.policies import require
from himoya.core.tasks import task, task_actor
from himoya.documentation.models import ConsentKind
from himoya.documentation.services import ConsentMissing, require_consent
from himoya.letters import rendering
from himoya.letters.models import Generation, Letter

logger = logging.getLogger(__name__)

CONSENT = "consent"
FIELDS = "fields:"
TEMPLATE = "template"
RENDER = "render"


def _file(content: bytes, ext: str) -> ContentFile[bytes]:
    return ContentFile(content, name=f"{uuid.uuid4().hex}.{ext}")


def _render(letter: Letter) -> tuple[rendering.Generated | None, str]:
    """The files, or the code of why they cannot be made."""
    from himoya.letters.services import generate_letter, letter_data

    try:
        return generate_letter(letter.template, letter_data(letter)), ""
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            return None, FIELDS + ",".join(sorted(exc.error_dict))
        return None, TEMPLATE
    except TemplateError:
        return None, TEMPLATE
    except (
        Exception
    ) as exc:  # WeasyPrint, Pango, docx: any failure is the letter's, not the queue's
        logger.exception("letter %s: the render failed (%s)", letter.pk, type(exc).__name__)
        return None, RENDER


def generate_stored(*, actor: Any, letter_id: int) -> str:
    """Makes and stores the files of a pending letter: ``done``, ``failed``, or
    ``ready``/``gone`` when there was nothing to do. Idempotent."""
    letter = (
        Letter.objects.select_related("case", "template", "case__organisation")
        .filter(pk=letter_id)
        .first()
    )
    if letter is None:
        return "gone"
    if letter.generation != Generation.PENDING:
        return "ready" if letter.generation == Generation.DONE else "failed"
    case = letter.case
    require(actor, "case.edit", case)
    generated, error = _render(letter)
    with transaction.atomic():
        locked = Letter.objects.select_for_update().filter(pk=letter_id).first()
        if locked is None:
            return "gone"
        if locked.generation != Generation.PENDING:
            # Another run of the same job got there first.
            return "ready" if locked.generation == Generation.DONE else "failed"
        try:
            require_consent(case, ConsentKind.SHARING)
        except ConsentMissing:
            generated, error = None, CONSENT
        if generated is not None:
            locked.docx.save("letter.docx", _file(generated.docx, "docx"), save=False)
            locked.pdf.save("letter.pdf", _file(generated.pdf, "pdf"), save=False)
            locked.generation = Generation.DONE
            locked.generation_error = ""
        else:
            locked.generation = Generation.FAILED
            locked.generation_error = error[:300]
        locked.save(update_fields=["docx", "pdf", "generation", "generation_error"])
        record_event(
            actor=actor,
            action="letter.generate",
            obj=locked,
            organisation=case.organisation,
            data={
                "case": case.pk,
                "letter": locked.pk,
                "result": locked.generation,
                "error": error.split(":")[0] if error else "",
            },
        )
    return str(locked.generation)


@task()
def letter_generate(letter_id: int) -> str:
    return generate_stored(actor=task_actor(), letter_id=letter_id)


def failure_reason(letter: Letter) -> str:
    """Why a letter could not be made, in the reader's language."""
    code = letter.generation_error
    if code == CONSENT:
        return _(
            "Not every victim of the case has consented to sharing their information "
            "with named bodies. Record the consent and write the letter again."
        )
    if code.startswith(FIELDS):
        labels = {f.name: f.label for f in rendering.parse_fields(letter.template.fields)}
        names = [labels.get(n, n) for n in code[len(FIELDS) :].split(",") if n]
        return _("These required fields are empty: %(fields)s.") % {"fields": ", ".join(names)}
    if code == TEMPLATE:
        return _("The template could not be filled with this letter's data.")
    return _("Making the files failed on the server. Ask the administrator to look at the log.")
