"""What a lesson's video and caption files must be: a browser-playable MP4 or WebM read
to its end, and WebVTT. Anything else is refused, saying why in the editor's language,
and nothing reaches storage."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import translation

from himoya.public_site import video_checks
from himoya.public_site.lessons import LessonCaption, LessonVideo, lesson_video_create
from tests.public_site.lessons_site import VIDEO, lesson_media_root, make_video, need_ffmpeg

pytestmark = pytest.mark.django_db
__all__ = ["lesson_media_root"]

GOOD_VTT = "WEBVTT\n\n00:00.000 --> 00:01.500\nПервая строка\n"


def refuse(data: bytes, name: str = "clip.webm") -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        video_checks.check_video(ContentFile(data, name=name))
    return caught.value


def test_the_demo_card_is_a_playable_webm():
    need_ffmpeg()
    facts = video_checks.check_video(ContentFile(VIDEO.read_bytes(), name="x.bin"))
    assert facts.content_type == "video/webm"
    assert (facts.width, facts.height) == (640, 360)
    assert 7.5 < facts.duration <= 8.1
    assert facts.size == VIDEO.stat().st_size < 300 * 1024


def test_an_h264_mp4_is_accepted(tmp_path: Path):
    data = make_video(tmp_path, "ok.mp4", "-c:v", "libx264", "-pix_fmt", "yuv420p")
    assert video_checks.check_video(ContentFile(data, name="ok.mp4")).content_type == "video/mp4"


def test_a_file_that_is_no_video_is_refused():
    need_ffmpeg()
    error = refuse(b"%PDF-1.4 not a video at all" * 100)
    assert error.code == "unreadable"


def test_a_truncated_webm_is_refused():
    need_ffmpeg()
    data = VIDEO.read_bytes()
    assert refuse(data[: len(data) // 2]).code == "truncated"


def test_a_truncated_mp4_is_refused(tmp_path: Path):
    data = make_video(tmp_path, "ok.mp4", "-c:v", "libx264", "-movflags", "+faststart")
    assert refuse(data[: len(data) * 2 // 3], "cut.mp4").code == "truncated"


def test_a_codec_browsers_do_not_play_is_refused(tmp_path: Path):
    # MPEG-4 Part 2 in an MP4 container, and H.264 in Matroska (not a WebM).
    assert refuse(make_video(tmp_path, "old.mp4", "-c:v", "mpeg4"), "old.mp4").code == "codec"
    assert refuse(make_video(tmp_path, "h264.mkv", "-c:v", "libx264"), "h.webm").code == "codec"


def test_an_oversize_video_is_refused_before_it_is_read(settings):
    settings.HIMOYA_LESSON_VIDEO_MAX_BYTES = 1024
    error = refuse(VIDEO.read_bytes())
    assert error.code == "too_large"


def test_the_refusal_is_in_the_editors_language():
    need_ffmpeg()
    with translation.override("kk"):
        message = refuse(b"junk" * 100).messages[0]
    with translation.override("en"):
        english = refuse(b"junk" * 100).messages[0]
    assert message != english
    assert "MP4" in message


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "header"),
        ("WEBVTTX\n\n00:00.000 --> 00:01.000\nx\n", "header"),
        ("1\n00:00:01,000 --> 00:00:02,000\nSubRip, not WebVTT\n", "header"),
        ("WEBVTT\n\n00:00,000 --> 00:01,000\ncomma\n", "timing"),
        ("WEBVTT\n\ncue-id\nno timing line\n", "timing"),
        ("WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nbackwards\n", "order"),
        ("WEBVTT\n\nNOTE only a note\n", "empty"),
    ],
)
def test_bad_captions_are_refused(text: str, code: str):
    with pytest.raises(ValidationError) as caught:
        video_checks.check_captions(ContentFile(text.encode(), name="c.vtt"))
    assert caught.value.code == code


def test_captions_not_in_utf8_are_refused():
    with pytest.raises(ValidationError) as caught:
        video_checks.check_captions(ContentFile(GOOD_VTT.encode("cp1251"), name="c.vtt"))
    assert caught.value.code == "encoding"


def test_webvtt_with_notes_settings_hours_and_a_bom_is_accepted():
    text = (
        "\ufeffWEBVTT - lesson\nKind: captions\n\nNOTE written by a volunteer\n\n"
        "intro\n00:00.000 --> 00:01.000 align:start line:0\nOne\n\n"
        "01:00:00.000 --> 01:00:02.250\nTwo\nlines\n"
    )
    assert video_checks.check_captions(ContentFile(text.encode(), name="c.vtt")) == 2


def test_a_refused_upload_stores_nothing(lesson_media_root: Path):
    need_ffmpeg()
    with pytest.raises(ValidationError) as caught:
        lesson_video_create(
            title="Broken",
            video=ContentFile(VIDEO.read_bytes()[:5000], name="cut.webm"),
            captions={},
        )
    assert "file" in caught.value.message_dict
    assert not LessonVideo.objects.exists()
    assert not any(p.is_file() for p in lesson_media_root.rglob("*"))


def test_a_bad_caption_file_is_refused_with_its_video(lesson_media_root: Path):
    need_ffmpeg()
    with pytest.raises(ValidationError) as caught:
        lesson_video_create(
            title="Card",
            video=ContentFile(VIDEO.read_bytes(), name="card.webm"),
            captions={"ru": ContentFile(b"WEBVTT\n\nbad --> worse\nx\n", name="ru.vtt")},
        )
    (problem,) = caught.value.error_dict["file"]
    assert (problem.code, problem.params) == ("timing", {"line": 3})
    assert not LessonVideo.objects.exists()
    assert not LessonCaption.objects.exists()


def test_a_good_video_is_stored_under_its_checked_type(lesson_media_root: Path):
    need_ffmpeg()
    video = lesson_video_create(
        title="Card",
        video=ContentFile(VIDEO.read_bytes(), name="card.mp4"),
        captions={"kk": ContentFile(GOOD_VTT.encode(), name="kk.vtt")},
    )
    assert video.content_type == "video/webm"
    assert video.file.name.endswith(".webm")
    assert (lesson_media_root / "lessons" / video.file.name).read_bytes() == VIDEO.read_bytes()
    assert video.captions.get().cues == 1
