"""Published stories: pages written by staff, public only after a second person reviewed
their anonymisation (``story_services``).

The public page (``StoryPage``) holds the text and nothing else: no case, no author, no
date of the events. The staff side (``StoryReview``) keeps who wrote it, who approved it
and, sealed, the case behind it; its blind index finds a case's stories when a consent
is revoked, without the case number being readable in the table.

A story page may be live only in the revision its reviewer approved: ``StoryPage.save``
refuses any other (Wagtail's Publish button, a workflow's "approve and publish", a
scheduled publication), and the editor's action menu offers no Publish for story pages.
A published story edited again stays live in its approved revision while the new draft
waits for its own review.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from himoya.core.fields import (
    BlindIndexField,
    EncryptedCharField,
    EncryptedTextField,
    SealedAutoField,
)
from himoya.public_site.models import TEXT_FEATURES, PublicPage

USER = settings.AUTH_USER_MODEL
# No document links: a story carries no attachment a reviewer might not open.
STORY_FEATURES = [f for f in TEXT_FEATURES if f != "document-link"]


class StoryNotApproved(PermissionDenied):
    """A story page was to go live in a revision no reviewer approved."""


class StoryIndexPage(PublicPage):
    intro = RichTextField(_("introduction"), features=TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["public_site.HomePage"]
    subpage_types = ["public_site.StoryPage"]
    template = "public_site/story_index.html"

    class Meta:
        verbose_name = _("stories page")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["stories"] = StoryPage.objects.child_of(self).live().order_by("-first_published_at")
        return context


class StoryPage(PublicPage):
    summary = models.TextField(_("summary"), blank=True)
    body = RichTextField(_("text"), features=STORY_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("body")]
    parent_page_types = ["public_site.StoryIndexPage"]
    # Only story_propose makes one, with the review record without which it never goes live.
    is_creatable = False
    subpage_types: list[str] = []
    template = "public_site/story_page.html"

    class Meta:
        verbose_name = _("story")

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.live and self.pk is not None:
            # Not the state: a published story whose new draft waits for review stays
            # live in the revision approved before; a withdrawn one never returns.
            approved = StoryReview.objects.filter(
                page_id=self.pk, approved_revision_id=self.live_revision_id
            ).exclude(state=StoryReview.State.WITHDRAWN)
            if self.live_revision_id is None or not approved.exists():
                raise StoryNotApproved(
                    "a story goes live only in the revision its reviewer approved"
                )
        super().save(*args, **kwargs)


class StoryReview(models.Model):
    """The staff side of one story: its author, its review, the case behind it."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft: not sent for review")
        REVIEW = "review", _("waiting for review")
        CHANGES = "changes", _("sent back for changes")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn: publication consent revoked")

    id = SealedAutoField(primary_key=True)
    encryption_scope = ("organisation_id",)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    page = models.OneToOneField(StoryPage, on_delete=models.PROTECT, related_name="review")
    # The case's number as text, sealed: empty for a story no case is behind.
    case_ref = EncryptedCharField(_("case"), max_length=20, blank=True, default="")
    case_index = BlindIndexField(source="case_ref", purpose="public_site.storyreview.case")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=12, choices=State.choices, default=State.REVIEW)
    # The reviewer's anonymisation checklist, each point confirmed apart.
    no_names = models.BooleanField(default=False)
    no_identifying_details = models.BooleanField(default=False)
    no_faces = models.BooleanField(default=False)
    reviewer = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    approved_revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True)
    # The reviewer's last "send back" note to the author: sealed, it may quote the text.
    note = EncryptedTextField(_("note to the author"), blank=True, null=True)
    noted_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    noted_at = models.DateTimeField(null=True)
    withdrawn_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"story:{self.pk}"

    @property
    def case_id(self) -> int | None:
        return int(self.case_ref) if self.case_ref else None


@hooks.register("construct_page_action_menu")
def _no_publish_for_stories(menu_items: list[Any], request: HttpRequest, context: Any) -> None:
    """Stories are published by their reviewer (staff page "Stories to review")."""
    page = context.get("page")
    if page is not None and isinstance(page.specific_deferred, StoryPage):
        menu_items[:] = [item for item in menu_items if item.name != "action-publish"]
