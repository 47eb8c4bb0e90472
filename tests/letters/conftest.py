from __future__ import annotations

from typing import Any

import pytest

from tests.documentation.conftest import Staff, staff  # noqa: F401 (the documented case's world)


@pytest.fixture
def shipped(db: Any) -> None:
    from himoya.letters.models import LetterTemplate, Recipient
    from himoya.letters.shipped import load_shipped

    load_shipped(Recipient, LetterTemplate)


__all__ = ["Staff", "shipped", "staff"]
