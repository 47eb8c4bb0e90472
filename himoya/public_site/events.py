"""The events of the public site (see himoya.core.events).

Stories: their data holds ids and the language, never the story's text; a story behind a
case goes on that case's timeline (the staff side keeps the link the public page does
not show). Editing: what staff do in Wagtail's admin (recorded from Wagtail's log
entries by ``cms_audit``) and who holds a content role."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from himoya.core.events import Names, register

register(
    "story.propose",
    _("Public story proposed"),
    _("Proposed a public story for review."),
    timeline=True,
)
register("story.write", _("Public story written"), _("Wrote a public story for review."))
register(
    "story.publish",
    _("Public story published"),
    _("Approved the anonymisation and published a public story."),
    timeline=True,
)
register(
    "story.publish.general",
    _("Public story published"),
    _("Approved the anonymisation and published a public story."),
)
register(
    "story.withdraw",
    _("Public story withdrawn"),
    _("Withdrew a public story: the publication consent was revoked."),
    timeline=True,
)

# Sent back, edited, sent for review again: the note and the text stay out of the data.
for code, label, message in (
    (
        "story.send_back",
        _("Public story sent back for changes"),
        _("Sent a public story back to its author with a note."),
    ),
    ("story.edit", _("Public story edited"), _("Saved a new text of a public story.")),
    (
        "story.resubmit",
        _("Public story sent for review again"),
        _("Sent a changed public story for review."),
    ),
):
    register(code, label, message, timeline=True)
    register(f"{code}.general", label, message)


def _page(message: Any) -> Any:
    def sentence(data: Any, names: Names) -> str | None:
        title = data.get("title")
        return str(message) % {"title": title} if title else None

    return sentence


def _role_label(code: Any) -> str:
    from himoya.public_site.editing import ContentRole

    return str(ContentRole(code).label) if code in ContentRole.values else str(code)


def _role_change(data: Any, names: Names) -> str | None:
    roles = data.get("content_role")
    if not isinstance(roles, list) or len(roles) != 2:
        return None
    return str(_("Content role changed from “%(old)s” to “%(new)s”.")) % {
        "old": _role_label(roles[0]),
        "new": _role_label(roles[1]),
    }


register("content.role", _("Content role changed"), _role_change)
register("content.page_create", _("Public page created"), _page(_("“%(title)s”")))
register("content.page_edit", _("Public page draft saved"), _page(_("“%(title)s”")))
register("content.page_submit", _("Public page submitted for review"), _page(_("“%(title)s”")))
register("content.page_approve", _("Public page approved"), _page(_("“%(title)s”")))
register("content.page_reject", _("Public page sent back for changes"), _page(_("“%(title)s”")))
register("content.page_publish", _("Public page published"), _page(_("“%(title)s”")))
register("content.page_schedule", _("Public page publication scheduled"), _page(_("“%(title)s”")))
register("content.page_unpublish", _("Public page unpublished"), _page(_("“%(title)s”")))
register("content.page_delete", _("Public page deleted"), _page(_("“%(title)s”")))
register("content.page_other", _("Public page changed"), _page(_("“%(title)s”")))
register("content.image_upload", _("Image uploaded"), _page(_("“%(title)s”")))
register("content.image_edit", _("Image changed"), _page(_("“%(title)s”")))
register("content.image_delete", _("Image deleted"), _page(_("“%(title)s”")))
register("content.document_upload", _("Document uploaded"), _page(_("“%(title)s”")))
register("content.document_edit", _("Document changed"), _page(_("“%(title)s”")))
register("content.document_delete", _("Document deleted"), _page(_("“%(title)s”")))
register("content.model_other", _("Site content changed"), _page(_("“%(title)s”")))
