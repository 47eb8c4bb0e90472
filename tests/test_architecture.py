"""Which app may import which: dependencies point toward ``core``, ``reference`` and
``cases``, never back (docs/architecture.md, "Apps").

Read from the source with ``ast``, so an import inside a function counts as much as one
at the top of a module. Migrations are left out: they name apps by label, not by import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

HIMOYA = Path(__file__).resolve().parent.parent / "himoya"

# What each app may import besides itself. ``core`` uses ``accounts`` for the users of
# the demo loader, the `org` command and the staff-page helpers, and ``search`` for the
# re-index after a key rotation; everything else in it stands alone.
ALLOWED: dict[str, set[str]] = {
    "core": {"accounts", "search"},
    "accounts": {"core"},
    "search": {"core"},
    "reference": {"core", "accounts"},
    # The duty roster: the bot and the web form will read it too, through ``cases``.
    "duty": {"core", "accounts", "reference"},
    # ``outreach`` for the office that received an appeal (``Appeal.office``); outreach
    # itself imports only core, accounts and reference, so no cycle.
    "cases": {"core", "accounts", "reference", "search", "duty", "outreach"},
    "litigation": {"core", "accounts", "reference", "cases"},
    "documentation": {"core", "accounts", "reference", "cases"},
    # The evidence package needs the sharing consent and the medical report.
    "evidence": {"core", "accounts", "reference", "cases", "documentation"},
    "letters": {"core", "accounts", "reference", "cases", "documentation", "litigation"},
    "outreach": {"core", "accounts", "reference"},
    "imports": {"core", "accounts", "reference", "search", "cases", "outreach"},
    "stats": {"core", "accounts", "reference", "cases", "outreach"},
    "api": {
        "core",
        "accounts",
        "reference",
        "search",
        "cases",
        "outreach",
        "imports",
        "stats",
        "evidence",
        "letters",
    },
    # The public site renders no case data: it registers help requests through
    # ``cases.services.appeal_register``, reads the public offices of ``outreach`` and
    # makes self-help letters through ``letters.selfhelp`` (no case, nothing stored).
    # Stories need the publication consent (``documentation``); the reports page shows
    # the yearly statistics (``stats``) with the vocabulary's labels (``reference``).
    "public_site": {
        "core",
        "accounts",
        "reference",
        "cases",
        "outreach",
        "letters",
        "documentation",
        "stats",
    },
}


def _apps() -> list[str]:
    return sorted(p.name for p in HIMOYA.iterdir() if (p / "apps.py").exists())


def _imported_apps(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "himoya" and len(parts) > 1:
                found.add(parts[1])
    return found


def test_every_app_has_a_rule() -> None:
    assert set(_apps()) == set(ALLOWED)


@pytest.mark.parametrize("app", _apps())
def test_imports_point_toward_core_reference_and_cases(app: str) -> None:
    wrong = []
    for path in sorted((HIMOYA / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for other in sorted(_imported_apps(path) - {app} - ALLOWED[app]):
            wrong.append(f"{path.relative_to(HIMOYA.parent)} imports himoya.{other}")
    assert not wrong, "\n".join(wrong)


# The two exceptions of ``core`` above make these pairs import each other today.
KNOWN_CYCLES = {frozenset({"core", "accounts"}), frozenset({"core", "search"})}


def test_the_rule_itself_has_no_new_cycle() -> None:
    """Allowing two apps to import each other would make the direction meaningless."""
    for app, allowed in ALLOWED.items():
        for other in allowed:
            if frozenset({app, other}) not in KNOWN_CYCLES:
                assert app not in ALLOWED.get(other, set()), f"{app} <-> {other}"
