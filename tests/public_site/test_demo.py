"""The demo's stories, public publications and reports page, in the four languages,
loaded once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from himoya.outreach.models import Publication
from himoya.public_site.reports import ReportsPage
from himoya.public_site.stories import StoryPage, StoryReview

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_stories_publications_and_reports_once(client):
    call_command("demo", "--quiet", stdout=io.StringIO())
    call_command("demo", "--quiet", stdout=io.StringIO())
    stories = StoryPage.objects.live()
    assert sorted(s.locale.language_code for s in stories) == ["en", "kk", "ru", "tg"]
    # Each went the way a real one does: proposed from a case, approved by another person.
    for review in StoryReview.objects.all():
        assert review.case_id is not None
        assert review.reviewer_id != review.author_id
        assert review.state == StoryReview.State.PUBLISHED
    assert ReportsPage.objects.count() == 4
    assert Publication.objects.filter(public=True).exists()
    assert Publication.objects.filter(public=False).exists()
    for lang in ("ru", "kk", "tg", "en"):
        assert client.get(f"/{lang}/stories/").status_code == 200
        html = client.get(f"/{lang}/reports/").content.decode()
        assert "/documents/" in html
        assert client.get(f"/{lang}/publications/").status_code == 200
