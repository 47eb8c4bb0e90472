"""The token form's "Valid for" choices follow the visitor's language (they were fixed in
the language active when the module was imported)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.api.test_api import recently_reauthenticated
from tests.api.world import World
from tests.conftest import make_client


def _options(html: str) -> list[str]:
    select = re.search(r'<select name="lifetime_days".*?</select>', html, re.S)
    assert select, "no lifetime select on the page"
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(0))


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("kk", ["7 күн", "30 күн", "90 күн", "180 күн", "365 күн"]),
        ("ru", ["7 дней", "30 дней", "90 дней", "180 дней", "365 дней"]),
        ("en", ["7 days", "30 days", "90 days", "180 days", "365 days"]),
    ],
)
def test_valid_for_choices_in_the_pages_language(
    world: World, lang: str, expected: list[str]
) -> None:
    client = make_client(world.a_lawyer)
    recently_reauthenticated(client, world.a_lawyer)
    # Another language first, so a label cached from an earlier request would show.
    client.get(reverse("api_tokens:issue"), HTTP_ACCEPT_LANGUAGE="tg")
    html = client.get(reverse("api_tokens:issue"), HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert _options(html) == expected
