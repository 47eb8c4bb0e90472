"""Builds the Word templates the letters app ships (himoya/letters/fixtures/*.docx) with
python-docx, so they can be rebuilt and reviewed as text. Run from the repository root:

    python scripts/build_letter_templates.py

The first two templates are written out below; the others are lists of blocks in the
letter_texts_*.py modules beside this script (one module per kind of letter, every
language of a template side by side), laid out by :func:`from_blocks`.

The wording follows ../shared/domain.md (seed 001's route; KZ Criminal Code art. 146,
TJ Criminal Code art. 143-1) and asks for nothing the law was not shown to require.
Placeholders are Jinja (``{{ victim_name }}``), filled by docxtpl in a sandbox.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from letter_texts_common import Block
from letter_texts_complaints import conditions_complaint, medical_examination, officers_complaint
from letter_texts_first import ombudsman_appeal as ombudsman_blocks
from letter_texts_first import torture_statement as statement_blocks
from letter_texts_requests import (
    cover_letter,
    sentence_request,
    visit_request,
    whereabouts_request,
)
from letter_texts_un import communication, urgent_appeal

OUT = Path(__file__).resolve().parent.parent / "himoya" / "letters" / "fixtures"

ARTICLE = (
    "{% if country == 'KZ' %}статьёй 146 Уголовного кодекса Республики Казахстан"
    "{% elif country == 'TJ' %}статьёй 143-1 Уголовного кодекса Республики Таджикистан"
    "{% else %}уголовным законом{% endif %}"
)


def _doc() -> Document:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    return doc


def _right(doc: Document, text: str) -> None:
    doc.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _title(doc: Document, text: str) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run(text).bold = True


def _para(doc: Document, text: str) -> None:
    doc.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY


def _header(doc: Document) -> None:
    _right(doc, "{{ recipient_name }}")
    _right(doc, "{% if recipient_address %}{{ recipient_address }}{% endif %}")
    _right(doc, "от {{ applicant_name }}")
    _right(doc, "{% if applicant_address %}адрес: {{ applicant_address }}{% endif %}")


def torture_statement() -> Document:
    doc = _doc()
    _header(doc)
    _right(doc, "{% if applicant_phone %}тел.: {{ applicant_phone }}{% endif %}")
    _title(doc, "ЗАЯВЛЕНИЕ\nо применении пыток")
    _para(
        doc,
        "{{ events_date }} в {{ place }} в отношении {{ victim_name }} были применены "
        "действия, которые я расцениваю как пытки либо жестокое, бесчеловечное или "
        "унижающее достоинство обращение, предусмотренные " + ARTICLE + ".",
    )
    _para(doc, "Обстоятельства: {{ facts }}")
    _para(doc, "{% if perpetrators %}Насилие применяли: {{ perpetrators }}{% endif %}")
    _para(
        doc,
        "{% if injuries %}Телесные повреждения и где они зафиксированы: {{ injuries }}{% endif %}",
    )
    _para(doc, "На основании изложенного прошу:")
    _para(
        doc,
        "1. Зарегистрировать настоящее заявление и провести по нему проверку "
        "(расследование) в соответствии с законом.",
    )
    _para(
        doc,
        "2. Назначить судебно-медицинскую экспертизу для фиксации телесных повреждений.",
    )
    _para(doc, "3. Принять меры к обеспечению безопасности пострадавшего.")
    _para(doc, "4. О принятом решении сообщить мне письменно по указанному адресу.")
    _para(doc, "Об уголовной ответственности за заведомо ложный донос предупреждён(а).")
    doc.add_paragraph("{% if city %}{{ city }}, {% endif %}{{ date }}")
    doc.add_paragraph("Подпись ____________________ / {{ applicant_name }} /")
    return doc


def ombudsman_appeal() -> Document:
    doc = _doc()
    _header(doc)
    _title(doc, "ОБРАЩЕНИЕ")
    _para(
        doc,
        "Прошу Вас обратить внимание на нарушение прав {{ victim_name }}: {{ events_date }} "
        "в {{ place }} к нему (к ней) были применены пытки либо жестокое, бесчеловечное или "
        "унижающее достоинство обращение (" + ARTICLE + ").",
    )
    _para(doc, "Обстоятельства: {{ facts }}")
    _para(
        doc,
        "{% if prior_appeals %}Ранее обращались: {{ prior_appeals }}{% endif %}",
    )
    _para(doc, "Прошу:")
    _para(doc, "1. Рассмотреть настоящее обращение и провести проверку изложенных фактов.")
    _para(
        doc,
        "2. Посетить {{ place }} и проверить условия содержания и обращение с {{ victim_name }}.",
    )
    _para(
        doc,
        "3. Направить в компетентные органы рекомендации о восстановлении нарушенных прав "
        "и о привлечении виновных к ответственности.",
    )
    _para(doc, "4. О результатах рассмотрения сообщить мне письменно.")
    doc.add_paragraph("{% if city %}{{ city }}, {% endif %}{{ date }}")
    doc.add_paragraph("Подпись ____________________ / {{ applicant_name }} /")
    return doc


def from_blocks(blocks: list[Block]) -> Document:
    doc = _doc()
    for kind, text in blocks:
        if kind == "r":
            _right(doc, text)
        elif kind == "t":
            _title(doc, text)
        elif kind == "h":
            doc.add_paragraph().add_run(text).bold = True
        elif kind == "p":
            _para(doc, text)
        elif kind == "l":
            doc.add_paragraph(text)
        else:
            raise ValueError(f"unknown block kind {kind!r}")
    return doc


NATIONAL = ("ru", "kk", "tg")
UN = ("ru", "en")
# code -> (the blocks of one language, the languages it is written in); the codes and
# languages are those of himoya/letters/shipped.py TEMPLATES.
BLOCKS = {
    "torture-statement-prosecutor": (statement_blocks, ("kk", "tg")),
    "ombudsman-appeal": (ombudsman_blocks, ("kk", "tg")),
    "officers-complaint": (officers_complaint, NATIONAL),
    "monitoring-visit-request": (visit_request, NATIONAL),
    "detainee-complaint-cover": (cover_letter, NATIONAL),
    "medical-examination-request": (medical_examination, NATIONAL),
    "detention-conditions-complaint": (conditions_complaint, NATIONAL),
    "whereabouts-request": (whereabouts_request, NATIONAL),
    "sentence-request": (sentence_request, NATIONAL),
    "un-individual-communication": (communication, UN),
    "sr-torture-urgent-appeal": (urgent_appeal, UN),
}


def _save(doc: Document, path: Path) -> None:
    """Writes ``path`` unless it already holds the same document: a Word file's zip
    carries the time it was written, and a rebuild should not change every fixture."""
    out = io.BytesIO()
    doc.save(out)
    if path.exists():
        with zipfile.ZipFile(path) as old, zipfile.ZipFile(out) as new:
            if all(old.read(n) == new.read(n) for n in new.namelist()) and set(
                old.namelist()
            ) == set(new.namelist()):
                return
    path.write_bytes(out.getvalue())
    print(path)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    builds = {
        "torture-statement-prosecutor.ru.docx": torture_statement,
        "ombudsman-appeal.ru.docx": ombudsman_appeal,
    }
    for name, build in builds.items():
        _save(build(), OUT / name)
    for code, (blocks, languages) in BLOCKS.items():
        for language in languages:
            name = f"{code}.{language}.docx"
            _save(from_blocks(blocks(language)), OUT / name)


if __name__ == "__main__":
    main()
