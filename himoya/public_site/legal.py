"""The legal database: laws and their articles, UN standards and decisions of UN bodies,
court decisions and model documents, each a Wagtail page (so editors have drafts,
review, revisions and scheduled publication) under a legal database index page, one
tree per language like the other public pages.

A document's source is a citation and, when there is one, a link shown as a plain link:
nothing from another host is embedded. A downloadable file is a Wagtail document, kept
on our own storage. Topics are a small snippet editors keep, with a name per language."""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.documents import get_document_model_string
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index
from wagtail.signals import page_published, page_unpublished
from wagtail.snippets.models import register_snippet

from himoya.public_site.models import TEXT_FEATURES, PublicPage


class Kind(models.TextChoices):
    LAW = "law", _("law")
    ARTICLE = "article", _("article of a law")
    UN_STANDARD = "un_standard", _("UN standard")
    UN_DECISION = "un_decision", _("decision of a UN body")
    COURT_DECISION = "court_decision", _("court decision")
    MODEL_DOCUMENT = "model_document", _("model document")


class Country(models.TextChoices):
    KZ = "KZ", _("Kazakhstan")
    TJ = "TJ", _("Tajikistan")
    INTERNATIONAL = "INT", _("international")


class DocumentLanguage(models.TextChoices):
    RU = "ru", _("Russian")
    KK = "kk", _("Kazakh")
    TG = "tg", _("Tajik")
    EN = "en", _("English")
    OTHER = "other", _("other language")


@register_snippet
class LegalTopic(models.Model):
    """A topic of the legal database (torture, complaints, detention...), named in each
    language; its slug is what the topic filter's links carry."""

    slug = models.SlugField(_("slug"), unique=True, max_length=60)
    name_ru = models.CharField(_("name in Russian"), max_length=120)
    name_kk = models.CharField(_("name in Kazakh"), max_length=120, blank=True)
    name_tg = models.CharField(_("name in Tajik"), max_length=120, blank=True)
    name_en = models.CharField(_("name in English"), max_length=120, blank=True)

    panels = [FieldPanel("slug"), FieldPanel("name_ru"), FieldPanel("name_kk")]
    panels += [FieldPanel("name_tg"), FieldPanel("name_en")]

    class Meta:
        ordering = ["slug"]
        verbose_name = _("legal topic")
        verbose_name_plural = _("legal topics")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language, the Russian one when it has none."""
        return getattr(self, f"name_{get_language()}", "") or self.name_ru


class LegalIndexPage(PublicPage):
    """The legal database's front page: filters by topic, country and kind, the search
    box and the documents found, as plain GET links and a GET form."""

    intro = RichTextField(_("introduction"), features=TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["public_site.HomePage"]
    subpage_types = ["public_site.LegalDocumentPage"]
    template = "public_site/legal_index.html"

    class Meta:
        verbose_name = _("legal database")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from himoya.public_site.legal_selectors import browse

        context = super().get_context(request, *args, **kwargs)
        context["browse"] = browse(self, request.GET)
        return context


class LegalDocumentPage(PublicPage):
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = models.CharField(_("country"), max_length=3, choices=Country.choices)
    document_language = models.CharField(
        _("language of the document"),
        max_length=5,
        choices=DocumentLanguage.choices,
        help_text=_("The language of the text this page reproduces or summarises."),
    )
    source_citation = models.CharField(
        _("source"),
        max_length=300,
        help_text=_("The official citation, e.g. the law's number and date or the UN symbol."),
    )
    source_url = models.URLField(
        _("link to the source"),
        blank=True,
        help_text=_("Shown as a plain link; nothing from the other site is embedded."),
    )
    source_link_text = models.CharField(_("text of the link"), max_length=200, blank=True)
    date = models.DateField(_("date"), help_text=_("Adopted, signed or decided on."))
    in_force = models.BooleanField(_("in force"), default=True)
    in_force_since = models.DateField(_("in force since"), null=True, blank=True)
    in_force_until = models.DateField(_("in force until"), null=True, blank=True)
    topics = ParentalManyToManyField(
        "public_site.LegalTopic", blank=True, related_name="documents", verbose_name=_("topics")
    )
    body = RichTextField(_("text"), features=TEXT_FEATURES, blank=True)
    file = models.ForeignKey(
        get_document_model_string(),
        verbose_name=_("file to download"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("kind"), FieldPanel("country"), FieldPanel("document_language")]),
        MultiFieldPanel(
            [
                FieldPanel("source_citation"),
                FieldPanel("source_url"),
                FieldPanel("source_link_text"),
            ],
            heading=_("source"),
        ),
        FieldRowPanel(
            [
                FieldPanel("date"),
                FieldPanel("in_force"),
                FieldPanel("in_force_since"),
                FieldPanel("in_force_until"),
            ]
        ),
        FieldPanel("topics"),
        FieldPanel("body"),
        FieldPanel("file"),
    ]
    # The public search is legal_search's own; Wagtail's admin search needs the title.
    search_fields = [*Page.search_fields, index.SearchField("source_citation")]
    parent_page_types = ["public_site.LegalIndexPage"]
    subpage_types: list[str] = []
    template = "public_site/legal_document.html"

    class Meta:
        verbose_name = _("legal document")
        indexes = [models.Index(fields=["country", "kind"], name="legal_country_kind")]


class LegalSearchEntry(models.Model):
    """The search terms of a published legal document (see legal_search); written when
    the page is published, removed when it is unpublished or deleted."""

    page = models.OneToOneField(
        LegalDocumentPage, on_delete=models.CASCADE, primary_key=True, related_name="search_entry"
    )
    legal_vector = SearchVectorField()
    # The title's stems alone and the document's date, copied here so that results can
    # be ordered (title matches first, then newest) by reading a small vector and an
    # index instead of every found document's whole vector.
    title_vector = SearchVectorField()
    date = models.DateField()
    text = models.TextField()

    class Meta:
        indexes = [
            GinIndex(fields=["legal_vector"], name="legal_search_vector"),
            GinIndex(fields=["title_vector"], name="legal_search_title"),
            models.Index(fields=["-date", "page"], name="legal_search_date"),
        ]

    def __str__(self) -> str:
        return f"search entry of page {self.page_id}"


def _on_published(sender: Any, instance: Page, **kwargs: Any) -> None:
    from himoya.public_site.legal_index import index_document

    index_document(instance)


def _on_unpublished(sender: Any, instance: Page, **kwargs: Any) -> None:
    LegalSearchEntry.objects.filter(page_id=instance.pk).delete()


page_published.connect(_on_published, sender=LegalDocumentPage, dispatch_uid="legal_published")
page_unpublished.connect(
    _on_unpublished, sender=LegalDocumentPage, dispatch_uid="legal_unpublished"
)
