"""The events of the public site's stories (see himoya.core.events). Their data holds
ids and the language; never the story's text. A story behind a case goes on that case's
timeline: the staff side keeps the link the public page does not show."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _l

from himoya.core.events import register

register(
    "story.propose",
    _l("Public story proposed"),
    _l("Proposed a public story for review."),
    timeline=True,
)
register("story.write", _l("Public story written"), _l("Wrote a public story for review."))
register(
    "story.publish",
    _l("Public story published"),
    _l("Approved the anonymisation and published a public story."),
    timeline=True,
)
register(
    "story.publish.general",
    _l("Public story published"),
    _l("Approved the anonymisation and published a public story."),
)
register(
    "story.withdraw",
    _l("Public story withdrawn"),
    _l("Withdrew a public story: the publication consent was revoked."),
    timeline=True,
)
