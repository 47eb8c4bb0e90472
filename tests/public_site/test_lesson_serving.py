"""Lesson pages and their files: the video and captions are served with byte ranges
(what a browser's seek asks for), only while a live lesson shows them; a lesson on
another host is a plain link, never an embed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils.http import http_date

from himoya.core.demo_loader import DemoContext
from himoya.core.policies import SystemActor
from himoya.public_site import demo
from himoya.public_site.lessons import CoursePage, LessonPage, LessonVideo
from tests.public_site.lessons_site import VIDEO, build_lessons, lesson_media_root
from tests.public_site.site import build_site

pytestmark = pytest.mark.django_db
__all__ = ["lesson_media_root"]

DATA = VIDEO.read_bytes()
SIZE = len(DATA)


@pytest.fixture
def lessons(lesson_media_root: Path) -> dict[str, Any]:
    return build_lessons(build_site()["home"])


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def get(client: Any, lessons: dict[str, Any], **headers: str) -> Any:
    return client.get(lessons["video"].url(), headers=headers)


def test_the_whole_video_says_it_accepts_ranges(client, lessons):
    response = get(client, lessons)
    assert response.status_code == 200
    assert response["Content-Type"] == "video/webm"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(SIZE)
    assert response["ETag"] == f'"{lessons["video"].sha256}"'
    assert body(response) == DATA


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-99", 0, 99),  # the first bytes
        ("bytes=1000-1999", 1000, 1999),  # the middle, where a seek lands
        ("bytes=-500", SIZE - 500, SIZE - 1),  # a suffix: the last 500 bytes
        ("bytes=5000-", 5000, SIZE - 1),  # open-ended
        (f"bytes=100-{SIZE * 4}", 100, SIZE - 1),  # past the end: clipped
        (f"bytes=-{SIZE * 2}", 0, SIZE - 1),  # a suffix longer than the file
        ("bytes = 7 - 7", 7, 7),
    ],
)
def test_a_range_is_answered_206_with_exactly_its_bytes(client, lessons, header, first, last):
    response = get(client, lessons, Range=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{SIZE}"
    assert response["Content-Length"] == str(last - first + 1)
    assert response["Content-Type"] == "video/webm"
    assert body(response) == DATA[first : last + 1]


@pytest.mark.parametrize("header", [f"bytes={SIZE}-", f"bytes={SIZE + 10}-{SIZE + 20}", "bytes=-0"])
def test_a_range_beyond_the_file_is_416(client, lessons, header):
    response = get(client, lessons, Range=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{SIZE}"


@pytest.mark.parametrize("header", ["bytes=abc", "bytes=9-3", "items=0-10", "bytes=", "bytes=-"])
def test_a_range_header_not_understood_is_ignored(client, lessons, header):
    response = get(client, lessons, Range=header)
    assert response.status_code == 200
    assert body(response) == DATA


def test_several_ranges_get_the_whole_file(client, lessons):
    # Allowed by RFC 9110: the server may ignore Range, and many ranges of one file are
    # a way to make it send the same bytes over and over.
    response = get(client, lessons, Range="bytes=0-9,20-29,0-9")
    assert response.status_code == 200
    assert "Content-Range" not in response
    assert body(response) == DATA


def test_if_range_gives_the_part_only_of_the_same_file(client, lessons):
    etag = f'"{lessons["video"].sha256}"'
    assert get(client, lessons, Range="bytes=0-9", If_Range=etag).status_code == 206
    stale = get(client, lessons, Range="bytes=0-9", If_Range='"0123"')
    assert stale.status_code == 200 and body(stale) == DATA
    assert get(client, lessons, Range="bytes=0-9", If_Range=http_date(0)).status_code == 200
    later = http_date(2_000_000_000)
    assert get(client, lessons, Range="bytes=0-9", If_Range=later).status_code == 206


def test_head_and_conditional_requests(client, lessons):
    url = lessons["video"].url()
    head = client.head(url, headers={"Range": "bytes=0-9"})
    assert head.status_code == 206 and head["Content-Length"] == "10"
    assert head.content == b""
    cached = client.get(url, headers={"If-None-Match": f'"{lessons["video"].sha256}"'})
    assert cached.status_code == 304
    assert client.post(url).status_code == 405


def test_the_download_link_asks_the_browser_to_save(client, lessons):
    response = client.get(lessons["video"].url() + "?download=1")
    name = f"lesson-{lessons['video'].pk}.webm"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'


def test_captions_are_served_as_webvtt(client, lessons):
    caption = lessons["video"].captions.get(language="kk")
    response = client.get(caption.url())
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vtt; charset=utf-8"
    text = body(response).decode()
    assert text.startswith("WEBVTT") and "Дәрігерден" in text
    part = client.get(caption.url(), headers={"Range": "bytes=0-5"})
    assert part.status_code == 206 and body(part) == b"WEBVTT"


def test_a_video_no_live_lesson_shows_is_not_served(client, lessons):
    video: LessonVideo = lessons["video"]
    caption = video.captions.first()
    for lesson in LessonPage.objects.filter(video=video):
        lesson.unpublish()
    assert client.get(video.url()).status_code == 404
    assert client.get(caption.url()).status_code == 404
    assert client.get(f"/lesson-media/video/{video.pk + 999}.webm").status_code == 404


def test_a_video_under_another_extension_is_not_served(client, lessons):
    assert client.get(f"/lesson-media/video/{lessons['video'].pk}.mp4").status_code == 404


@pytest.mark.parametrize(("lang", "default"), [("ru", "ru"), ("kk", "kk"), ("en", "en")])
def test_a_lesson_page_has_video_captions_transcript_download(client, lessons, lang, default):
    response = client.get(f"/{lang}/lessons/course/first/")
    assert response.status_code == 200
    html = response.content.decode()
    video = lessons["video"]
    assert f'<source src="{video.url()}" type="video/webm">' in html
    assert html.count('<track kind="captions"') == 4
    caption = video.captions.get(language=default)
    assert f'src="{caption.url()}" srclang="{default}"' in html
    assert html.count(" default>") == 1
    assert f'srclang="{default}" label=' in html.split(" default>")[0].rsplit("<track", 1)[1]
    assert f'href="{video.url()}?download=1" download' in html
    # The transcript is on the page itself, so it reads without the player or JavaScript.
    assert "Transcript" in html or "Расшифровка" in html or "Мәтіндік" in html
    assert "<iframe" not in html and "<embed" not in html


def test_a_lesson_on_another_host_is_a_plain_link(client, lessons):
    html = client.get("/ru/lessons/course/second/").content.decode()
    assert 'href="https://video.example.org/lesson"' in html
    assert "<video" not in html and "<iframe" not in html and "<embed" not in html


def test_lessons_follow_the_order_the_editor_gives(client, lessons):
    html = client.get("/ru/lessons/course/").content.decode()
    assert html.index("Урок с видео") < html.index("Урок по ссылке")
    lessons["second"].move(lessons["first"], pos="left")
    html = client.get("/ru/lessons/course/").content.decode()
    assert html.index("Урок по ссылке") < html.index("Урок с видео")
    first = client.get("/ru/lessons/course/first/").content.decode()
    assert "Урок 2 из 2" in first and 'rel="prev"' in first and 'rel="next"' not in first


def test_a_lesson_has_either_a_video_here_or_a_link(lessons):
    course: CoursePage = lessons["course"]
    both = LessonPage(
        title="x", slug="x", video=lessons["video"], external_url="https://example.org/v"
    )
    neither = LessonPage(title="y", slug="y")
    for page in (both, neither):
        page.locale = course.locale
        with pytest.raises(ValidationError):
            course.add_child(instance=page)


def test_the_demo_has_a_captioned_video_course_in_four_languages(client, lesson_media_root):
    ctx = DemoContext(actor=SystemActor("cli:demo"))
    demo.load(ctx)
    demo.load(ctx)  # loading again adds nothing
    assert LessonVideo.objects.count() == 1
    video = LessonVideo.objects.get()
    assert sorted(video.captions.values_list("language", flat=True)) == ["en", "kk", "ru", "tg"]
    for lang in ("ru", "kk", "tg", "en"):
        html = client.get(f"/{lang}/lessons/documenting/first-steps/").content.decode()
        assert f'srclang="{lang}" label=' in html and "<video" in html
        assert client.get(f"/{lang}/lessons/documenting/photographs/").status_code == 200
        assert client.get(f"/{lang}/lessons/un/").status_code == 200
    assert body(client.get(video.url(), headers={"Range": "bytes=0-3"})) == DATA[:4]
