"""Letter batches: the same letter (one recipient, one template version) for many cases
at once, e.g. the cover letters of several detainees' complaints.

Each case follows the rule of a single letter (``case.edit`` on it, the victims'
consent to sharing, the template's required fields, the recipient's country), checked
case by case by :func:`batch_check` so that the page can show, before anything is made,
which cases would fail and why. :func:`letter_batch_create` makes every letter in one
transaction (all or none), one audit event per letter and one for the batch, and the
worker makes their files (``generation.letter_generate``), one job per letter, so that
two workers share a batch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from himoya.cases.models import Case
from himoya.cases.selectors import visible_cases
from himoya.cases.services.common import user_of
from himoya.core.access import access_object
from himoya.core.events import record_event
from himoya.core.policies import can, require
from himoya.documentation.models import ConsentKind
from himoya.documentation.services import ConsentMissing, require_consent
from himoya.letters import rendering
from himoya.letters.models import Generation, Letter, LetterBatch, LetterTemplate, Recipient
from himoya.letters.services import case_prefill, check_letter, draft_letter

# A batch is a morning's cover letters, not a mailing: a bound on one transaction.
MAX_CASES = 1000


@dataclass
class Candidate:
    case: Case
    data: dict[str, str]
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def batch_data(case: Case, recipient: Recipient, common: Mapping[str, str]) -> dict[str, str]:
    """What the letter of ``case`` is filled with: the case's own facts, and the batch's
    common values where the lawyer gave one."""
    data = case_prefill(case, recipient)
    data.update({k: str(v) for k, v in common.items() if str(v or "").strip()})
    return data


def batch_check(
    cases: Sequence[Case],
    recipient: Recipient,
    template: LetterTemplate,
    common: Mapping[str, str],
) -> list[Candidate]:
    """Each case with the reasons its letter would be refused (none when it would be
    made). Reads only; the creation checks again in its transaction."""
    fields = rendering.parse_fields(template.fields)
    out = []
    for case in cases:
        candidate = Candidate(case, batch_data(case, recipient, common))
        try:
            check_letter(case, recipient, template)
        except ValidationError as exc:
            candidate.problems.extend(exc.messages)
        try:
            require_consent(case, ConsentKind.SHARING)
        except ConsentMissing as exc:
            candidate.problems.extend(exc.messages)
        missing = rendering.missing_fields(fields, candidate.data)
        if missing:
            candidate.problems.append(
                _("These required fields are empty: %(fields)s.")
                % {"fields": ", ".join(f.label for f in missing)}
            )
        out.append(candidate)
    return out


def letter_batch_create(
    *,
    actor: Any,
    recipient: Recipient,
    template: LetterTemplate,
    cases: Sequence[Case],
    common: Mapping[str, str],
) -> LetterBatch:
    """Makes the letter for every case of ``cases``, or none: a case that would fail is
    refused with its number and reasons, a case the actor may not edit with
    ``PermissionDenied``."""
    require(actor, "letters.batch.create", None)
    if not cases:
        raise ValidationError({"cases": _("Choose at least one case.")})
    if len(cases) > MAX_CASES:
        raise ValidationError(
            {"cases": _("Choose at most %(count)s cases at once.") % {"count": MAX_CASES}}
        )
    if len({c.pk for c in cases}) != len(cases):
        raise ValidationError({"cases": _("A case is chosen twice.")})
    for case in cases:
        if not can(actor, "case.edit", case):
            raise PermissionDenied
    with transaction.atomic():
        refused = [c for c in batch_check(cases, recipient, template, common) if not c.ok]
        if refused:
            raise ValidationError(
                {
                    "cases": [
                        _("%(case)s: %(reasons)s")
                        % {"case": c.case.number, "reasons": " ".join(c.problems)}
                        for c in refused
                    ]
                }
            )
        user = user_of(actor)
        if user is None or user.organisation is None:
            raise PermissionDenied
        batch = LetterBatch.objects.create(
            organisation=user.organisation,
            recipient=recipient,
            template=template,
            created_by=user,
        )
        for case in cases:
            draft_letter(
                actor=actor,
                case=case,
                recipient=recipient,
                template=template,
                data=batch_data(case, recipient, common),
                batch=batch,
            )
        record_event(
            actor=actor,
            action="letter.batch.create",
            obj=batch,
            organisation=user.organisation,
            data={
                "batch": batch.pk,
                "letters": len(cases),
                "recipient": recipient.pk,
                "code": template.code,
                "version": template.version,
            },
        )
    return batch


# ---------------------------------------------------------------- reads


def editable_cases(user: Any, *, country: str = "", number: str = "") -> list[Case]:
    """The cases ``user`` may write letters for, filtered, newest first (at most
    ``MAX_CASES``)."""
    rows: QuerySet[Case] = visible_cases(user).select_related("organisation", "facility")
    if country:
        rows = rows.filter(country=country)
    if number.strip():
        rows = rows.filter(number__icontains=number.strip())
    return [c for c in rows.order_by("-pk")[:MAX_CASES] if can(user, "case.edit", c)]


def access_batch(user: Any, pk: Any) -> LetterBatch:
    """A batch of the reader's organisation; 404 for missing and forbidden."""
    rows = LetterBatch.objects.filter(organisation_id=user.organisation_id).select_related(
        "recipient", "template", "created_by"
    )
    return access_object(rows, pk, user=user)


def batch_progress(batch: LetterBatch) -> dict[str, int]:
    """How many of the batch's letters are pending, ready, failed, and in all."""
    counts = {g: 0 for g in Generation.values}
    for row in (
        Letter.objects.filter(batch=batch).values("generation").annotate(n=Count("pk")).order_by()
    ):
        counts[row["generation"]] = row["n"]
    counts["total"] = sum(counts[g] for g in Generation.values)
    return counts
