"""An editor adds a lesson video in Wagtail's editor: a file that is not a playable
video, or captions that are not WebVTT, are refused on the form in the editor's
language, and nothing is stored."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.users.models import UserProfile

from himoya.public_site.lessons import LessonCaption, LessonVideo
from tests.conftest import make_client
from tests.public_site.lessons_site import VIDEO, lesson_media_root, need_ffmpeg

pytestmark = pytest.mark.django_db
__all__ = ["lesson_media_root"]

ADD = "/staff/cms/snippets/public_site/lessonvideo/add/"
GOOD_VTT = b"WEBVTT\n\n00:00.000 --> 00:02.000\nOne\n"


@pytest.fixture
def editor(user_factory: Any) -> Any:
    return user_factory(is_superuser=True)


def post(client: Any, video: bytes, captions: bytes) -> Any:
    return client.post(
        ADD,
        {
            "title": "Card",
            "file": SimpleUploadedFile("card.webm", video, content_type="video/webm"),
            "captions-TOTAL_FORMS": "1",
            "captions-INITIAL_FORMS": "0",
            "captions-MIN_NUM_FORMS": "0",
            "captions-MAX_NUM_FORMS": "1000",
            "captions-0-language": "kk",
            "captions-0-file": SimpleUploadedFile("kk.vtt", captions, content_type="text/vtt"),
            "captions-0-id": "",
        },
    )


def errors(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_editor_adds_a_checked_video(editor, lesson_media_root: Path):
    need_ffmpeg()
    response = post(make_client(editor), VIDEO.read_bytes(), GOOD_VTT)
    assert response.status_code == 302, errors(response)[:3000]
    video = LessonVideo.objects.get()
    assert video.content_type == "video/webm" and video.captions.get().language == "kk"


def test_a_broken_video_is_refused_in_the_editors_language(editor, lesson_media_root: Path):
    need_ffmpeg()
    client = make_client(editor)
    page = errors(post(client, b"not a video" * 50, GOOD_VTT))
    assert "Этот файл не является видео, которое могут воспроизвести браузеры" in page
    UserProfile.get_for_user(editor).__class__.objects.filter(user=editor).update(
        preferred_language="kk"
    )
    page = errors(post(client, VIDEO.read_bytes()[:9000], GOOD_VTT))
    assert "Бейне бүлінген немесе толық жүктелмеген" in page
    assert not LessonVideo.objects.exists()
    assert not any(p.is_file() for p in lesson_media_root.rglob("*"))


def test_captions_that_are_not_webvtt_are_refused(editor, lesson_media_root: Path):
    need_ffmpeg()
    page = errors(post(make_client(editor), VIDEO.read_bytes(), b"1\n00:00:01,000 --> 2\nx\n"))
    assert "Файл субтитров не в формате WebVTT" in page
    assert not LessonVideo.objects.exists() and not LessonCaption.objects.exists()
    assert not any(p.is_file() for p in lesson_media_root.rglob("*"))
