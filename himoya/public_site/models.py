"""The public site's pages, kept in Wagtail: one tree per language (Wagtail's
localisation), the same slugs in each, so a page's translations share its path.

Rich text offers no images and no embeds: images would be served from the staff file
area, and an embed loads another host's content (the public side loads nothing from
another host). Downloadable templates are Wagtail documents, kept on our own storage."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from himoya.public_site import i18n
from himoya.public_site.selectors import public_offices

TEXT_FEATURES: list[str] = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class PublicPage(Page):
    """What every public page shares: its language versions for hreflang and the
    language switcher, and the menu of its language's home page."""

    class Meta:
        abstract = True

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["alternates"] = i18n.page_alternates(request, self)
        context["menu"] = i18n.menu(self)
        return context


class HomePage(PublicPage):
    intro = RichTextField(_("introduction"), features=TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    template = "public_site/home_page.html"

    class Meta:
        verbose_name = _("home page")


class ContentPage(PublicPage):
    """Know your rights, about the organisation, privacy: headed sections of text."""

    intro = models.TextField(_("summary"), blank=True)
    body = StreamField(
        [
            ("heading", blocks.CharBlock(label=_("heading"), form_classname="title")),
            ("text", blocks.RichTextBlock(label=_("text"), features=TEXT_FEATURES)),
        ],
        blank=True,
        verbose_name=_("body"),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["public_site.HomePage", "public_site.ContentPage"]
    template = "public_site/content_page.html"

    class Meta:
        verbose_name = _("content page")


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("step"))
    meaning = blocks.RichTextBlock(label=_("what it means"), features=TEXT_FEATURES)
    where = blocks.RichTextBlock(label=_("where to go"), features=TEXT_FEATURES)
    template_document = DocumentChooserBlock(label=_("template to download"), required=False)

    class Meta:
        label = _("step")


class StepsPage(PublicPage):
    """What to do if you or a relative were tortured: numbered steps, each with what it
    means, where to go and, when there is one, a template to download."""

    intro = RichTextField(_("introduction"), features=TEXT_FEATURES, blank=True)
    steps = StreamField([("step", StepBlock())], blank=True, verbose_name=_("steps"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("steps")]
    parent_page_types = ["public_site.HomePage"]
    template = "public_site/steps_page.html"

    class Meta:
        verbose_name = _("steps page")


class ContactsPage(PublicPage):
    """Contacts: the text written here, then the offices and hotlines recorded in the
    staff pages (outreach offices of the organisation that runs the site)."""

    intro = RichTextField(_("introduction"), features=TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["public_site.HomePage"]
    template = "public_site/contacts_page.html"

    class Meta:
        verbose_name = _("contacts page")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["offices"] = public_offices(settings.HIMOYA_PUBLIC_ORGANISATION)
        return context


# Page models kept in their own modules (the legal database, stories, reports, video
# lessons): imported here so Django registers them with the app.
from himoya.public_site.legal import (  # noqa: E402, F401
    LegalDocumentPage,
    LegalIndexPage,
    LegalSearchEntry,
    LegalTopic,
)
from himoya.public_site.lessons import (  # noqa: E402, F401
    CoursePage,
    CoursesPage,
    LessonCaption,
    LessonPage,
    LessonVideo,
)
from himoya.public_site.reports import ReportsPage  # noqa: E402, F401
from himoya.public_site.stories import StoryIndexPage, StoryPage, StoryReview  # noqa: E402, F401
