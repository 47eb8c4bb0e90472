"""A visitor opens a video lesson in Russian and in Kazakh in Debian's Chromium: the
player has the video and the page language's captions, both from the site's own host,
and seeking moves the video (the browser fetches the part by a byte range)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.public_site.lessons_site import CAPTION_WORDS, build_lessons, lesson_media_root
from tests.public_site.site import build_site

pytestmark = pytest.mark.django_db(transaction=True)
__all__ = ["lesson_media_root"]


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_a_lesson_plays_with_captions_and_seeks(
    browser: Any, live_server: Any, lesson_media_root: Path, lang: str
) -> None:
    lessons = build_lessons(build_site()["home"])
    context = browser.new_context(locale=f"{lang}-KZ")
    hosts: set[str] = set()
    ranges: list[tuple[str, int]] = []
    context.on("request", lambda request: hosts.add(urlparse(request.url).netloc))

    def answered(response: Any) -> None:
        if "/lesson-media/video/" in response.url and response.request.headers.get("range"):
            ranges.append((response.request.headers["range"], response.status))

    context.on("response", answered)
    page: Any = context.new_page()
    page.set_default_timeout(20000)
    try:
        page.goto(f"{live_server.url}/{lang}/lessons/course/first/")
        assert page.locator("html").get_attribute("lang") == lang
        video = page.locator("video")
        assert video.locator("source").get_attribute("src") == lessons["video"].url()
        # The page's language's captions are the default track, and the browser loads
        # them (readyState 2) with their cues.
        page.wait_for_function(
            "document.querySelector('track[default]').readyState === 2", timeout=20000
        )
        default = page.locator("track[default]")
        assert default.get_attribute("srclang") == lang
        cues = page.evaluate(
            "Array.from(document.querySelector('track[default]').track.cues || []).map(c => c.text)"
        )
        assert len(cues) == 3 and CAPTION_WORDS[lang] in cues[1]
        page.wait_for_function("document.querySelector('video').readyState >= 1")
        assert 7.5 < page.evaluate("document.querySelector('video').duration") < 8.5
        moved = page.evaluate(
            """() => new Promise((done) => {
                const v = document.querySelector('video');
                v.addEventListener('seeked', () => done(v.currentTime), {once: true});
                v.currentTime = 5.5;
            })"""
        )
        assert abs(moved - 5.5) < 0.6
        page.wait_for_function("document.querySelector('video').readyState >= 2")
        assert page.locator("#transcript-heading").is_visible()
    finally:
        context.close()
    assert hosts == {urlparse(live_server.url).netloc}
    assert ranges and all(status == 206 for _header, status in ranges)
