"""A course with two lessons for tests: a captioned video kept here (the demo's card,
captions in the four languages) and a link to another host, in ru, kk, tg and en."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile

from himoya.public_site import content, lessons_demo, video_checks
from himoya.public_site.lessons import CoursePage, CoursesPage, LessonPage, lesson_video_create
from tests.conftest import loud_skip

VIDEO = lessons_demo.VIDEO
LANGS = ("ru", "kk", "tg", "en")


def need_ffmpeg() -> str:
    if video_checks.probe_tool() is None or shutil.which("ffmpeg") is None:
        loud_skip("lesson video tests: ffmpeg is not installed (apt-get install ffmpeg)")
    return str(shutil.which("ffmpeg"))


def make_video(tmp: Path, name: str, *args: str) -> bytes:
    """A one-second clip made by ffmpeg with the given encoder arguments."""
    target = tmp / name
    subprocess.run(  # noqa: S603
        [need_ffmpeg(), "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=d=2:s=160x120:r=12",
         *args, str(target)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return target.read_bytes()


def build_lessons(home: Any) -> dict[str, Any]:
    need_ffmpeg()
    video = lesson_video_create(
        title="Test card",
        video=ContentFile(VIDEO.read_bytes(), name="card.webm"),
        captions={
            code: ContentFile(lessons_demo.captions_file(code).encode(), name=f"{code}.vtt")
            for code in LANGS
        },
    )
    index = content.child_page(home, CoursesPage(title="Уроки (тест)", slug="lessons"))
    course = content.child_page(index, CoursePage(title="Курс (тест)", slug="course"))
    first = content.child_page(
        course,
        LessonPage(
            title="Урок с видео (тест)",
            slug="first",
            video=video,
            transcript=lessons_demo.transcript("ru"),
        ),
    )
    second = content.child_page(
        course,
        LessonPage(
            title="Урок по ссылке (тест)",
            slug="second",
            external_url="https://video.example.org/lesson",
        ),
    )
    for code in LANGS[1:]:
        content.translation(index, code, title=f"Lessons {code}")
        content.translation(course, code, title=f"Course {code}")
        content.translation(
            first, code, title=f"Video {code}", transcript=lessons_demo.transcript(code)
        )
        content.translation(second, code, title=f"Link {code}")
    return {"video": video, "course": course, "first": first, "second": second}


@pytest.fixture
def lesson_media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HIMOYA_PUBLIC_MEDIA_ROOT = tmp_path / "public-media"
    return settings.HIMOYA_PUBLIC_MEDIA_ROOT


# A word of each language's second caption (lessons_demo.CAPTIONS), to tell the tracks apart.
CAPTION_WORDS = {"ru": "врача", "kk": "Дәрігерден", "tg": "духтур", "en": "doctor"}
