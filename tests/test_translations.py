"""The Russian, Kazakh, Tajik and English catalogues are complete and in step with the code."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "himoya" / "locale"
LANGS = [code for code, _name in settings.LANGUAGES]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{\{\s*(\w+)\s*\}\}|\{(\w+)\}")


def _catalogue(lang: str) -> polib.POFile:
    path = LOCALE / lang / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"missing catalogue {path}"
    return polib.pofile(str(path))


def _names(text: str) -> set[str]:
    return {next(g for g in m.groups() if g) for m in PLACEHOLDER.finditer(text)}


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_is_complete(lang: str) -> None:
    po = _catalogue(lang)
    missing = [e.msgid for e in po if not e.obsolete and not e.translated()]
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags and not e.obsolete]
    assert not missing, f"{lang}: {len(missing)} untranslated, e.g. {missing[:5]}"
    assert not fuzzy, f"{lang}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("lang", LANGS)
def test_placeholders_survive_translation(lang: str) -> None:
    bad = []
    for entry in _catalogue(lang):
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            for form in entry.msgstr_plural.values():
                if _names(form) - _names(entry.msgid_plural) - _names(entry.msgid):
                    bad.append(entry.msgid)
        elif _names(entry.msgstr) != _names(entry.msgid):
            bad.append(entry.msgid)
    assert not bad, f"{lang}: placeholders differ in {bad[:5]}"


@pytest.mark.parametrize("lang", LANGS)
def test_compiled_catalogue_matches(lang: str) -> None:
    mo = LOCALE / lang / "LC_MESSAGES" / "django.mo"
    assert mo.exists(), f"{mo} is missing: run `make messages`"
    compiled = {e.msgid for e in polib.mofile(str(mo)) if e.msgid}
    source = {e.msgid for e in _catalogue(lang) if not e.obsolete and e.translated()}
    assert source <= compiled, f"{lang}: .mo is stale; run `make messages`"


def test_catalogues_cover_every_string_in_the_code(tmp_path: Path) -> None:
    """Re-extracts the strings from a copy of the code and compares with the catalogue."""
    if shutil.which("xgettext") is None:
        pytest.skip("GNU gettext (xgettext) is not installed")
    copy = tmp_path / "himoya"
    shutil.copytree(ROOT / "himoya", copy, ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
    # Without settings, makemessages writes into the copy's own locale/ directory, never
    # into the project's catalogues.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "ru",
            "--no-location",
            "--no-obsolete",
            "-v",
            "0",
        ],
        cwd=copy,
        check=True,
        env=env,
    )
    fresh = {
        e.msgid for e in polib.pofile(str(copy / "locale" / "ru" / "LC_MESSAGES" / "django.po"))
    }
    committed = {e.msgid for e in _catalogue("ru") if not e.obsolete}
    new = sorted(fresh - committed)
    assert not new, (
        f"{len(new)} strings are not in the catalogues (run `make makemessages`): {new[:8]}"
    )


def test_every_language_has_every_string() -> None:
    """A string added to the Russian catalogue (which the code check above compares with)
    is in every other catalogue too: a missing entry would show Russian words on a
    Kazakh, Tajik or English page without any test noticing."""
    reference = {(e.msgctxt, e.msgid) for e in _catalogue("ru") if not e.obsolete}
    for lang in LANGS:
        have = {(e.msgctxt, e.msgid) for e in _catalogue(lang) if not e.obsolete}
        missing = sorted(m for _c, m in reference - have)
        extra = sorted(m for _c, m in have - reference)
        assert not missing, f"{lang}: {len(missing)} strings missing, e.g. {missing[:5]}"
        assert not extra, f"{lang}: {len(extra)} strings not in ru, e.g. {extra[:5]}"
