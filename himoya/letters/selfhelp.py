"""Letters for people who write on their own: the templates a coordinator put on the
public site, and their generation from what a visitor typed, through the same
``services.generate_letter`` a case's letters use. Nothing here stores, logs or audits
what was typed: there is no case, no account and no letter row, only the two files
handed back. Marking a template public is the coordinator's audited write.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from himoya.core.audit import audit_record
from himoya.core.policies import require
from himoya.letters import rendering, services
from himoya.letters.models import LetterTemplate

# A field of a letter; longer input is cut, so that a flood of text costs no more than
# a long letter.
FIELD_MAX_CHARS = 20000


def template_set_public(*, actor: Any, template: LetterTemplate, public: bool) -> LetterTemplate:
    """Puts one template version on the public site, or takes it off
    (``letters.template.manage``)."""
    require(actor, "letters.template.manage", None)
    with transaction.atomic():
        locked = LetterTemplate.objects.select_for_update().get(pk=template.pk)
        if locked.public != public:
            locked.public = public
            locked.save(update_fields=["public"])
            audit_record(
                actor=actor,
                action="letter.template.public",
                obj=locked,
                data={
                    "template": locked.pk,
                    "code": locked.code,
                    "language": locked.language,
                    "version": locked.version,
                    "public": public,
                },
            )
    return locked


def public_templates() -> list[LetterTemplate]:
    """For each template and language, the latest version marked public (a newer
    version waits for its own mark), by title."""
    latest: dict[tuple[str, str], LetterTemplate] = {}
    for t in LetterTemplate.objects.filter(public=True).order_by("code", "language", "-version"):
        latest.setdefault((t.code, t.language), t)
    return sorted(latest.values(), key=lambda t: (t.title, t.language))


def public_template(pk: int) -> LetterTemplate | None:
    """The template ``pk`` if it is what the public page offers now, else None."""
    return next((t for t in public_templates() if t.pk == pk), None)


def self_help_letter(template: LetterTemplate, data: Mapping[str, Any]) -> rendering.Generated:
    """DOCX and PDF of ``template`` filled with ``data``: only the template's fields, as
    text. A required field left empty raises ``ValidationError`` naming it."""
    fields = rendering.parse_fields(template.fields)
    clean = {f.name: str(data.get(f.name) or "").strip()[:FIELD_MAX_CHARS] for f in fields}
    return services.generate_letter(template, clean)


# What a blank form shows where a field's answer goes.
BLANK = "________________________"


def blank_form(template: LetterTemplate) -> bytes:
    """``template`` as a DOCX form to print and fill by hand: every field a line to
    write on, and the country left open (a Russian template then names the law in
    general words), so that the download shows no template syntax."""
    fields = rendering.parse_fields(template.fields)
    data = {f.name: BLANK for f in fields}
    data["country"] = ""
    return rendering.render_docx(bytes(template.content), data)
