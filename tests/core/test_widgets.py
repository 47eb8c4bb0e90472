"""QuickSelect renders what Django's Select renders from its templates (but for the
white space between tags, which Django's templates leave)."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django import forms

from himoya.core.widgets import QuickSelect

CHOICES: list[Any] = [
    ("", "любой"),
    ("Казахстан", [(1, "ИВС № 1 <Алматы> & «Талгар»"), (2, 'СИЗО "Дом"')]),
    ("Тоҷикистон", [(3, "Изолятор временного содержания ОВД")]),
    (4, "без страны"),
]


class _Canonical(HTMLParser):
    """Tags with sorted attributes, text without the white space between tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(f"<{tag} {sorted(attrs)}>")

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.out.append(data)


def tags(html: str) -> list[str]:
    parser = _Canonical()
    parser.feed(html)
    return parser.out


@pytest.mark.parametrize("value", [None, "", 2, "3", 4, "nothing"])
@pytest.mark.parametrize(
    "attrs", [None, {"id": "id_facility"}, {"id": "x", "data-autosubmit": True, "disabled": False}]
)
def test_same_html_as_djangos_select(value: Any, attrs: dict[str, Any] | None) -> None:
    expected = forms.Select(choices=CHOICES).render("facility", value, attrs)
    quick = QuickSelect(choices=CHOICES).render("facility", value, attrs)
    assert tags(quick) == tags(expected)


def test_in_a_bound_form() -> None:
    class Form(forms.Form):
        facility = forms.TypedChoiceField(choices=CHOICES, coerce=int, widget=QuickSelect)
        plain = forms.TypedChoiceField(choices=CHOICES, coerce=int)

    form = Form({"facility": "2", "plain": "2"})
    assert form.is_valid() and form.cleaned_data["facility"] == 2
    quick = str(form["facility"]).replace("facility", "F")
    plain = str(form["plain"]).replace("plain", "F")
    assert tags(quick) == tags(plain)
    assert '<option value="2" selected>СИЗО &quot;Дом&quot;</option>' in quick
