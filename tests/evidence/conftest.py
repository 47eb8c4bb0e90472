from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def media(tmp_path: Path, settings: Any) -> Path:
    """A media root of the test's own (workers run side by side)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


# The documented case's staff (lawyer, clinicians, monitor, analyst, another
# organisation), for the package and the photographs linked to findings.
from tests.documentation.conftest import staff  # noqa: E402, F401
