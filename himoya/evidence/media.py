"""Audio and video working copies: the same streams with the container's metadata (GPS,
device, dates, titles) left out. Only where ffmpeg is installed (``HIMOYA_FFMPEG`` or
``ffmpeg`` on the PATH); without it only the original is kept, and the item says so."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from himoya.evidence import imaging


def media_tool() -> str | None:
    return os.environ.get("HIMOYA_FFMPEG") or shutil.which("ffmpeg")


def strip_metadata(source: Any, extension: str) -> bytes:
    """The file re-muxed without metadata (streams copied, not re-encoded). ffmpeg needs
    a seekable file: the plaintext lies in a private temporary directory only while it
    runs, and is removed with it."""
    tool = media_tool()
    if tool is None:
        raise imaging.Unreadable("no media tool")
    with tempfile.TemporaryDirectory(prefix="himoya-media-") as tmp:
        os.chmod(tmp, 0o700)
        given, made = Path(tmp) / f"in.{extension}", Path(tmp) / f"out.{extension}"
        with open(given, "wb") as out:
            shutil.copyfileobj(source, out, 1024 * 1024)
        result = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
            [tool, "-nostdin", "-loglevel", "error", "-i", str(given), "-map", "0",
             "-map_metadata", "-1", "-map_chapters", "-1", "-c", "copy", str(made)],
            capture_output=True, timeout=600, check=False,
        )  # fmt: skip
        if result.returncode != 0 or not made.exists():
            raise imaging.Unreadable("ffmpeg could not read the file")
        return made.read_bytes()
