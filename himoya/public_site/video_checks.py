"""What a lesson's files must be before they are stored: a video a browser can play to
the end (an MP4 or WebM container with codecs browsers decode, not truncated) and
captions in WebVTT. Both are read from the bytes, never from the name or the type the
browser sent.

The video is probed with ffprobe, from the same ffmpeg the evidence app uses
(``HIMOYA_FFMPEG`` or ``ffmpeg`` on the PATH; ``scripts/system-deps.sh`` installs it).
Without it no video is accepted: an unchecked file could be one no visitor can play."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Browsers play these, per container (what the <video> element's type attribute names).
PLAYABLE = {
    "video/webm": {"video": {"vp8", "vp9", "av1"}, "audio": {"vorbis", "opus"}},
    "video/mp4": {"video": {"h264", "av1"}, "audio": {"aac", "mp3", "opus"}},
}
EXTENSIONS = {"video/webm": "webm", "video/mp4": "mp4"}
# A file whose last frame stops this far short of the length its header declares was
# cut off (an interrupted upload or copy).
TRUNCATION_SLACK_SECONDS = 0.5
CAPTIONS_MAX_BYTES = 512 * 1024
PROBE_TIMEOUT_SECONDS = 300


def video_max_bytes() -> int:
    return int(getattr(settings, "HIMOYA_LESSON_VIDEO_MAX_BYTES", settings.HIMOYA_MAX_UPLOAD_BYTES))


def probe_tool() -> str | None:
    """ffprobe beside the ffmpeg the evidence app uses."""
    ffmpeg = os.environ.get("HIMOYA_FFMPEG") or shutil.which("ffmpeg")
    if ffmpeg:
        sibling = Path(ffmpeg).with_name("ffprobe")
        if sibling.exists():
            return str(sibling)
    return shutil.which("ffprobe")


@dataclass(frozen=True)
class VideoFacts:
    content_type: str
    extension: str
    duration: float
    width: int
    height: int
    size: int
    sha256: str


UNREADABLE = _(
    "This file is not a video that browsers can play. Upload an MP4 (H.264 or AV1) or "
    "WebM (VP8, VP9 or AV1) file."
)


def _run(tool: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(  # noqa: S603 (fixed arguments, no shell)
        [tool, "-v", "error", *args],
        capture_output=True,
        timeout=PROBE_TIMEOUT_SECONDS,
        check=False,
    )


def _container(fmt: dict[str, Any], codecs: dict[str, set[str]]) -> str | None:
    """The content type the streams fit, or None. ffprobe names Matroska and WebM alike
    ("matroska,webm"): the codecs tell a WebM from any Matroska file."""
    names = set(str(fmt.get("format_name", "")).split(","))
    if "webm" in names:
        content_type = "video/webm"
    elif "mp4" in names:
        content_type = "video/mp4"
    else:
        return None
    allowed = PLAYABLE[content_type]
    if not codecs["video"] or not codecs["video"] <= allowed["video"]:
        return None
    if not codecs["audio"] <= allowed["audio"]:
        return None
    return content_type


def _last_frame_end(tool: str, path: str) -> tuple[float, bool]:
    """When the first video stream's last packet ends, reading every packet (not decoding
    them), and whether the demuxer reported damage on the way."""
    result = _run(
        tool,
        "-select_streams", "v:0", "-show_entries", "packet=pts_time,duration_time",
        "-of", "csv=p=0", path,
    )  # fmt: skip
    end = 0.0
    for line in result.stdout.decode("ascii", "replace").splitlines():
        parts = line.strip().split(",")
        try:
            start = float(parts[0])
        except (ValueError, IndexError):
            continue
        try:
            length = float(parts[1]) if len(parts) > 1 else 0.0
        except ValueError:
            length = 0.0
        end = max(end, start + length)
    return end, result.returncode != 0 or bool(result.stderr.strip())


def _copy_to(source: IO[bytes], target: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    source.seek(0)
    with open(target, "wb") as out:
        while chunk := source.read(1024 * 1024):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    source.seek(0)
    return size, digest.hexdigest()


def check_video(source: Any) -> VideoFacts:
    """The facts of an uploaded video, or ValidationError saying what is wrong with it.
    ``source`` is a Django File (an upload or a stored file), read from its start."""
    size = getattr(source, "size", None)
    limit = video_max_bytes()
    if size is not None and size > limit:
        raise ValidationError(
            _("The video is larger than %(limit)s MB. Shorten it or lower its resolution."),
            code="too_large",
            params={"limit": limit // (1024 * 1024)},
        )
    tool = probe_tool()
    if tool is None:
        raise ValidationError(
            _(
                "Videos cannot be checked on this server (ffmpeg is not installed), "
                "so none is accepted."
            ),
            code="no_tool",
        )
    with tempfile.TemporaryDirectory(prefix="himoya-lesson-") as tmp:
        path = Path(tmp) / "upload"
        size, sha256 = _copy_to(source, path)
        if size > limit:
            raise ValidationError(
                _("The video is larger than %(limit)s MB. Shorten it or lower its resolution."),
                code="too_large",
                params={"limit": limit // (1024 * 1024)},
            )
        result = _run(tool, "-show_format", "-show_streams", "-of", "json", str(path))
        try:
            info = json.loads(result.stdout or b"{}")
        except ValueError:
            info = {}
        if result.returncode != 0 or "format" not in info:
            raise ValidationError(UNREADABLE, code="unreadable")
        codecs: dict[str, set[str]] = {"video": set(), "audio": set()}
        video: dict[str, Any] = {}
        for stream in info.get("streams", []):
            kind = stream.get("codec_type")
            if kind in codecs:
                codecs[kind].add(str(stream.get("codec_name", "")))
                if kind == "video" and not video:
                    video = stream
        content_type = _container(info["format"], codecs)
        if content_type is None:
            raise ValidationError(UNREADABLE, code="codec")
        try:
            duration = float(info["format"].get("duration") or 0)
        except ValueError:
            duration = 0.0
        end, damaged = _last_frame_end(tool, str(path))
        if duration <= 0 or damaged or end < duration - TRUNCATION_SLACK_SECONDS:
            raise ValidationError(
                _(
                    "The video is damaged or incomplete: it cannot be read to its end. "
                    "Upload the whole file again."
                ),
                code="truncated",
            )
    return VideoFacts(
        content_type=content_type,
        extension=EXTENSIONS[content_type],
        duration=duration,
        width=int(video.get("width") or 0),
        height=int(video.get("height") or 0),
        size=size,
        sha256=sha256,
    )


# WebVTT (W3C): a timestamp is [hh:]mm:ss.ttt; a cue's timing line is two of them joined
# by "-->", optionally followed by cue settings.
_TIMESTAMP = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_TIMING = re.compile(rf"^{_TIMESTAMP}[ \t]+-->[ \t]+{_TIMESTAMP}(?:[ \t]+.*)?$")
_HEADER = re.compile(r"^WEBVTT(?:[ \t].*)?$")


def _seconds(hours: str | None, minutes: str, seconds: str, millis: str) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def check_captions(source: Any) -> int:
    """The number of cues in a WebVTT file, or ValidationError naming the first problem
    (with its line, so an editor can find it)."""
    source.seek(0)
    raw = source.read(CAPTIONS_MAX_BYTES + 1)
    source.seek(0)
    if len(raw) > CAPTIONS_MAX_BYTES:
        raise ValidationError(
            _("The caption file is larger than %(limit)s KB."),
            code="too_large",
            params={"limit": CAPTIONS_MAX_BYTES // 1024},
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError(
            _("The caption file is not UTF-8 text. Save it as UTF-8 and upload it again."),
            code="encoding",
        ) from None
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not _HEADER.match(lines[0]):
        raise ValidationError(
            _("The caption file is not WebVTT: its first line must be WEBVTT."), code="header"
        )
    cues = 0
    index = 1
    while index < len(lines) and lines[index].strip():  # the header's own lines
        index += 1
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        block_start = index
        block = []
        while index < len(lines) and lines[index].strip():
            block.append(lines[index])
            index += 1
        first = block[0]
        if first.startswith(("NOTE", "STYLE", "REGION")) and "-->" not in first:
            continue
        timing_at = 0 if "-->" in first else 1
        if timing_at >= len(block) or "-->" not in block[timing_at]:
            raise ValidationError(
                _(
                    "Line %(line)s: a cue must have a timing line such as "
                    "00:00:01.000 --> 00:00:04.000."
                ),
                code="timing",
                params={"line": block_start + 1},
            )
        match = _TIMING.match(block[timing_at].strip())
        line = block_start + timing_at + 1
        if match is None:
            raise ValidationError(
                _(
                    "Line %(line)s: the cue timing is not valid; write it as "
                    "00:00:01.000 --> 00:00:04.000."
                ),
                code="timing",
                params={"line": line},
            )
        groups = match.groups()
        if _seconds(*groups[4:]) <= _seconds(*groups[:4]):
            raise ValidationError(
                _("Line %(line)s: the cue ends before it starts."),
                code="order",
                params={"line": line},
            )
        cues += 1
    if cues == 0:
        raise ValidationError(_("The caption file has no captions in it."), code="empty")
    return cues
