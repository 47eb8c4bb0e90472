"""Policies: named rules of who may do what. No rule means no.

A policy is a function ``(user, obj) -> bool`` registered under an action name such as
``"case.view"``. Services call ``require(user, action, obj)``; views and templates may call
``can`` to decide what to show, but the service check is the one that counts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied

Policy = Callable[[Any, Any], bool]
_POLICIES: dict[str, Policy] = {}


def policy(action: str) -> Callable[[Policy], Policy]:
    def register(func: Policy) -> Policy:
        if action in _POLICIES:
            raise RuntimeError(f"policy {action!r} is registered twice")
        _POLICIES[action] = func
        return func

    return register


class SystemActor:
    """The actor of command-line and background work, which runs with full access.

    Only code run by the operator on the server (CLI commands, tasks) may use it; no
    request ever carries it.
    """

    is_authenticated = False
    is_active = True
    pk = None

    def __init__(self, label: str) -> None:
        self.label = label

    def __str__(self) -> str:
        return self.label

    def get_username(self) -> str:
        return self.label


class ChannelActor:
    """An intake channel that anyone may use (the public help form, later the bot): it
    may do only the actions it names, for nobody in particular, and is recorded by name
    (``web:public``). No policy rule applies to it: a visitor holds no role."""

    is_authenticated = False
    is_active = True
    pk = None

    def __init__(self, label: str, *, allowed: frozenset[str]) -> None:
        self.label = label
        self.allowed = allowed

    def __str__(self) -> str:
        return self.label

    def get_username(self) -> str:
        return self.label


def can(user: Any, action: str, obj: Any = None) -> bool:
    if isinstance(user, SystemActor):
        return True
    if isinstance(user, ChannelActor):
        return action in user.allowed
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    rule = _POLICIES.get(action)
    return bool(rule and rule(user, obj))


def require(user: Any, action: str, obj: Any = None) -> None:
    if not can(user, action, obj):
        raise PermissionDenied(action)


def registered() -> dict[str, Policy]:
    return dict(_POLICIES)
