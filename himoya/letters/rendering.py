"""Letters from templates: a Word template filled in a Jinja sandbox (docxtpl), and the
same document laid out as a PDF (WeasyPrint).

Generation takes plain data (a mapping of the template's fields to strings), never a
case: the staff pages fill it from a case, and the coming bot and public site from a
person's answers, through the same function (:func:`generate`).

The sandbox: an immutable sandboxed environment with no globals, fed only strings,
lists and mappings of them. It refuses attribute access to anything private and any
call of an unsafe method, so a template reaches no code, attribute or file beyond the
data it is given. Values are XML-escaped (autoescape), so a field holding "<" or "&"
cannot break the document. A template is checked on upload (:func:`check_template`):
its syntax, every attribute it names, and a trial render with every field filled.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

# The fonts that carry every letter of the Kazakh and Tajik Cyrillic alphabets
# (ә ғ қ ң ө ұ ү һ і; ғ ӣ қ ӯ ҳ ҷ): DejaVu ships with Debian (fonts-dejavu-core).
PDF_FONTS = '"DejaVu Serif", "DejaVu Sans", serif'


# Fields whose answers run to paragraphs (the facts, what was done, what is asked), in
# the shipped templates and those a steward writes with the same names: the staff and
# the public forms give them a text area.
LONG_FIELDS = frozenset(
    {
        "arrest_details",
        "conditions",
        "articles",
        "documents",
        "facts",
        "final_decision",
        "injuries",
        "interim_measures",
        "other_procedures",
        "perpetrators",
        "prior_appeals",
        "remedies_sought",
        "request",
        "steps_taken",
        "victim_details",
        "visits",
    }
)


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    required: bool


@dataclass(frozen=True)
class Generated:
    docx: bytes
    pdf: bytes


class TemplateRefused(ValidationError):
    """A template that does not compile or reaches outside its sandbox; ``line`` is the
    line of the template's text (one paragraph a line) it failed on."""

    def __init__(self, line: int | None, text: str, reason: str) -> None:
        self.line = line
        if line:
            message = _("The template is refused at line %(line)s (%(text)s): %(reason)s") % {
                "line": line,
                "text": text[:80],
                "reason": reason,
            }
        else:
            message = _("The template is refused: %(reason)s") % {"reason": reason}
        super().__init__(message, code="template_refused")


def sandbox() -> ImmutableSandboxedEnvironment:
    # Strict: a name the data does not hold, or an attribute the sandbox withholds, fails
    # the render instead of printing nothing.
    env = ImmutableSandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    env.globals.clear()
    return env


def parse_fields(spec: str) -> list[Field]:
    """The fields a template asks for, one per line: ``name|label|required``."""
    out = []
    for raw in spec.splitlines():
        if not raw.strip():
            continue
        parts = [p.strip() for p in raw.split("|")]
        name = parts[0]
        label = parts[1] if len(parts) > 1 and parts[1] else name
        required = len(parts) > 2 and parts[2] in ("1", "required", "yes")
        out.append(Field(name, label, required))
    return out


def _template(content: bytes) -> DocxTemplate:
    try:
        return DocxTemplate(io.BytesIO(content))
    except Exception as exc:  # python-docx raises several kinds for a file that is no .docx
        raise TemplateRefused(None, "", _("the file is not a Word document.")) from exc


def template_text(content: bytes) -> str:
    """The template's Jinja source with one paragraph a line: what an error's line
    number refers to, so that a lawyer can find it in Word."""
    tpl = _template(content)
    tpl.init_docx()
    xml = tpl.patch_xml(tpl.get_xml())
    xml = re.sub(r"</w:p>", "\n", xml)
    return html.unescape(re.sub(r"<[^>]+>", "", xml))


def _line_of(exc: BaseException) -> int | None:
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def check_template(content: bytes, fields: Sequence[Field]) -> None:
    """Refuses (``TemplateRefused``) a template that does not compile, names a private
    attribute, or fails a trial render in the sandbox with every field filled."""
    source = template_text(content)
    lines = source.split("\n")

    def text(line: int | None) -> str:
        return lines[line - 1].strip() if line and 0 < line <= len(lines) else ""

    env = sandbox()
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        raise TemplateRefused(exc.lineno, text(exc.lineno), exc.message or "") from exc
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter)):
        attr = node.attr if isinstance(node, nodes.Getattr) else None
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            attr = str(node.arg.value)
        if isinstance(node, nodes.Filter) and node.name == "attr":
            # The attr filter names its attribute as a value: any name at all is refused
            # when it is not a plain string, and private names always.
            arg = node.args[0] if node.args else None
            attr = str(arg.value) if isinstance(arg, nodes.Const) else "_"
        if attr and attr.startswith("_"):
            raise TemplateRefused(
                node.lineno, text(node.lineno), _("it reaches outside the letter's data.")
            )
    sample = {f.name: f.label for f in fields}
    try:
        # The trial render runs on the text view, so that an error's line is a paragraph.
        env.from_string(source).render(sample)
    except SecurityError as exc:
        line = _line_of(exc)
        raise TemplateRefused(line, text(line), _("it reaches outside the letter's data.")) from exc
    except TemplateError as exc:
        line = _line_of(exc) or getattr(exc, "lineno", None)
        raise TemplateRefused(line, text(line), str(exc)) from exc
    try:
        render_docx(content, sample)
    except TemplateError as exc:
        raise TemplateRefused(None, "", str(exc)) from exc


def _plain(value: Any) -> Any:
    """Only strings, lists and mappings of them reach a template."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None:
        return ""
    return str(value)


def render_docx(content: bytes, data: Mapping[str, Any]) -> bytes:
    tpl = _template(content)
    tpl.render(_plain(data), jinja_env=sandbox(), autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


_ALIGN = {
    WD_ALIGN_PARAGRAPH.CENTER: "center",
    WD_ALIGN_PARAGRAPH.RIGHT: "right",
    WD_ALIGN_PARAGRAPH.JUSTIFY: "justify",
}


def _paragraphs(docx: bytes) -> list[tuple[str, str]]:
    """Each paragraph's alignment and its text as escaped HTML (bold, italic kept)."""
    doc = Document(io.BytesIO(docx))
    out = []
    for para in doc.paragraphs:
        runs = []
        for run in para.runs:
            piece = html.escape(run.text).replace("\n", "<br>")
            if run.bold:
                piece = f"<b>{piece}</b>"
            if run.italic:
                piece = f"<i>{piece}</i>"
            runs.append(piece)
        style = para.style.paragraph_format.alignment if para.style is not None else None
        key = para.alignment or style
        align = _ALIGN.get(key, "left") if key is not None else "left"
        out.append((align, "".join(runs) or "&nbsp;"))
    return out


def docx_html(docx: bytes) -> str:
    """The filled document as HTML, paragraph by paragraph (alignment, bold, italic), so
    that the PDF says exactly what the Word file says."""
    parts = [f'<p style="text-align:{align}">{body}</p>' for align, body in _paragraphs(docx)]
    return (
        '<!doctype html><html><head><meta charset="utf-8"><style>'
        "@page { size: A4; margin: 2cm 1.5cm 2cm 2.5cm; }"
        f"body {{ font-family: {PDF_FONTS}; font-size: 12pt; line-height: 1.35; }}"
        "p { margin: 0 0 0.35em 0; }"
        "</style></head><body>" + "\n".join(parts) + "</body></html>"
    )


def preview_html(docx: bytes) -> str:
    """The same paragraphs for the page's preview: the page's Content Security Policy
    allows no inline style, so alignment is a class of the stylesheet. Every text is
    escaped; the only markup is this function's own."""
    return "\n".join(f'<p class="align-{align}">{body}</p>' for align, body in _paragraphs(docx))


def render_pdf(docx: bytes) -> bytes:
    # Imported here: WeasyPrint loads Pango at import, which pages that make no PDF
    # should not pay for.
    from weasyprint import HTML

    return HTML(string=docx_html(docx)).write_pdf()


def missing_fields(fields: Sequence[Field], data: Mapping[str, Any]) -> list[Field]:
    return [f for f in fields if f.required and not str(data.get(f.name) or "").strip()]


def generate(content: bytes, fields: Sequence[Field], data: Mapping[str, Any]) -> Generated:
    """The letter as DOCX and PDF from a template and plain data. A required field left
    empty is refused with its name (``ValidationError`` keyed by the field)."""
    missing = missing_fields(fields, data)
    if missing:
        raise ValidationError(
            {f.name: _("Fill in “%(field)s”.") % {"field": f.label} for f in missing}
        )
    # Every declared field is there, empty when not given (the bot may ask fewer).
    docx = render_docx(content, {**{f.name: "" for f in fields}, **data})
    return Generated(docx=docx, pdf=render_pdf(docx))
