"""How the audit log names the objects its events are about, without the log knowing
the apps: an app registers, for its object type, how to turn ids into what people call
them (a case's number) and how to find ids from that name."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

# (organisation, ids) -> {id: label}; (organisation, label) -> ids
Labeller = Callable[[Any, list[str]], dict[str, str]]
Finder = Callable[[Any, str], list[str]]

_labellers: dict[str, Labeller] = {}
_finders: dict[str, Finder] = {}


def register(object_type: str, *, label: Labeller, find: Finder) -> None:
    _labellers[object_type] = label
    _finders[object_type] = find


def labels(organisation: Any, objects: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """{(object_type, object_id): label} for the objects a registered app can name."""
    wanted: dict[str, list[str]] = {}
    for object_type, object_id in objects:
        if object_type in _labellers and object_id:
            wanted.setdefault(object_type, []).append(object_id)
    found: dict[tuple[str, str], str] = {}
    for object_type, ids in wanted.items():
        for object_id, text in _labellers[object_type](organisation, ids).items():
            found[(object_type, object_id)] = text
    return found


def find(object_type: str, organisation: Any, text: str) -> list[str]:
    finder = _finders.get(object_type)
    return finder(organisation, text) if finder else []
