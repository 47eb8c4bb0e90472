"""Video lessons: courses (documenting torture, filing a complaint, going to the UN) of
lessons, each lesson a Wagtail page in each language, in the order the editor gives
the course's children.

A lesson shows either a video kept here (``LessonVideo``: MP4 or WebM, captions per
language in WebVTT) or a link to a video on another host, never an embed: an embed
loads the other host's player, which tells it who watches what. Video and captions
are checked before they are stored (``video_checks``) and kept unencrypted in their own
directory (``lesson_storage``): they are published to anyone, so there is nothing to
protect, and a plain file serves byte ranges (seeking) cheaply. They are served only
while a live lesson shows them (``media_serving``), so a draft's video stays unseen."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.db import models, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from himoya.public_site import video_checks
from himoya.public_site.models import TEXT_FEATURES, PublicPage


class LessonStorage(FileSystemStorage):
    """HIMOYA_PUBLIC_MEDIA_ROOT/lessons: outside MEDIA_ROOT, whose files are all
    encrypted. Followed when the setting changes (as FileSystemStorage follows
    MEDIA_ROOT for its own default)."""

    @cached_property
    def base_location(self) -> str:
        return str(Path(settings.HIMOYA_PUBLIC_MEDIA_ROOT) / "lessons")

    def _clear_cached_properties(self, setting: str, **kwargs: Any) -> None:
        super()._clear_cached_properties(setting, **kwargs)  # type: ignore[arg-type]
        if setting == "HIMOYA_PUBLIC_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


def lesson_storage() -> FileSystemStorage:
    return LessonStorage(file_permissions_mode=0o640, directory_permissions_mode=0o750)


def _video_name(instance: LessonVideo, filename: str) -> str:
    extension = video_checks.EXTENSIONS.get(instance.content_type, "bin")
    return f"video/{uuid.uuid4().hex}.{extension}"


def _captions_name(instance: LessonCaption, filename: str) -> str:
    return f"captions/{uuid.uuid4().hex}.vtt"


class LessonVideo(ClusterableModel):
    """A video file with its captions, chosen by lessons (the same video in every
    language version of a lesson, each showing the captions of all languages)."""

    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("video file (MP4 or WebM)"), upload_to=_video_name, storage=lesson_storage, max_length=200
    )
    content_type = models.CharField(max_length=40, editable=False)
    duration = models.FloatField(default=0, editable=False)
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    size = models.BigIntegerField(default=0, editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("file"),
        InlinePanel("captions", label=_("captions"), heading=_("Captions (WebVTT)")),
    ]

    class Meta:
        verbose_name = _("lesson video")
        verbose_name_plural = _("lesson videos")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        # Only a new upload is probed; an edit of the title keeps the checked file.
        if self.file and not getattr(self.file, "_committed", True):
            try:
                facts = video_checks.check_video(self.file)
            except ValidationError as error:
                raise ValidationError({"file": error}) from None
            self.content_type = facts.content_type
            self.duration = facts.duration
            self.width = facts.width
            self.height = facts.height
            self.size = facts.size
            self.sha256 = facts.sha256

    def url(self) -> str:
        return reverse(
            "lesson_media:video",
            args=[self.pk, video_checks.EXTENSIONS.get(self.content_type, "bin")],
        )


class LessonCaption(models.Model):
    video = ParentalKey(LessonVideo, related_name="captions", on_delete=models.CASCADE)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    file = models.FileField(
        _("captions file (WebVTT)"),
        upload_to=_captions_name,
        storage=lesson_storage,
        max_length=200,
    )
    cues = models.PositiveIntegerField(default=0, editable=False)

    panels = [FieldPanel("language"), FieldPanel("file")]

    class Meta:
        verbose_name = _("captions")
        verbose_name_plural = _("captions")
        constraints = [
            models.UniqueConstraint(fields=["video", "language"], name="lesson_caption_language")
        ]

    def __str__(self) -> str:
        return f"{self.video_id}:{self.language}"

    def clean(self) -> None:
        super().clean()
        if self.file and not getattr(self.file, "_committed", True):
            try:
                self.cues = video_checks.check_captions(self.file)
            except ValidationError as error:
                raise ValidationError({"file": error}) from None

    def url(self) -> str:
        return reverse("lesson_media:captions", args=[self.pk])


class LessonVideoViewSet(SnippetViewSet):
    model = LessonVideo
    icon = "media"
    menu_label = _("Lesson videos")
    list_display = ["title", "content_type", "created_at"]


register_snippet(LessonVideoViewSet)


class CoursesPage(PublicPage):
    """The list of courses."""

    intro = RichTextField(_("introduction"), features=TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["public_site.HomePage"]
    subpage_types = ["public_site.CoursePage"]
    template = "public_site/lesson_courses.html"

    class Meta:
        verbose_name = _("video courses page")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["courses"] = [
            (course, course.get_children().live().count())
            for course in self.get_children().live().specific()
        ]
        return context


class CoursePage(PublicPage):
    """A course: its lessons are its live children, in the order the editor sets."""

    intro = RichTextField(_("introduction"), features=TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["public_site.CoursesPage"]
    subpage_types = ["public_site.LessonPage"]
    template = "public_site/lesson_course.html"

    class Meta:
        verbose_name = _("video course")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["lessons"] = list(self.get_children().live().specific())
        return context


class LessonPage(PublicPage):
    summary = models.TextField(_("summary"), blank=True)
    video = models.ForeignKey(
        LessonVideo,
        verbose_name=_("video kept on this site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lessons",
    )
    external_url = models.URLField(
        _("or a link to the video on another site"),
        blank=True,
        help_text=_("Shown as a link, never embedded: an embedded player reports its viewers."),
    )
    transcript = RichTextField(_("transcript"), features=TEXT_FEATURES, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("video"),
        FieldPanel("external_url"),
        FieldPanel("transcript"),
    ]
    parent_page_types = ["public_site.CoursePage"]
    subpage_types: list[str] = []
    template = "public_site/lesson_page.html"

    class Meta:
        verbose_name = _("video lesson")

    def clean(self) -> None:
        super().clean()
        if bool(self.video_id) == bool(self.external_url):
            raise ValidationError(
                _("Choose a video kept on this site or give a link to one elsewhere, not both.")
                if self.video_id
                else _("A lesson needs a video: choose one kept on this site or give a link.")
            )

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        course = self.get_parent().specific
        siblings = list(course.get_children().live().specific())
        position = next((i for i, page in enumerate(siblings) if page.pk == self.pk), 0)
        context.update(
            course=course,
            position=position + 1,
            count=len(siblings),
            previous=siblings[position - 1] if position > 0 else None,
            next=siblings[position + 1] if position + 1 < len(siblings) else None,
            captions=self.caption_tracks(),
        )
        return context

    def caption_tracks(self) -> list[dict[str, Any]]:
        """The video's captions, the page's language first (the default track)."""
        if self.video is None:
            return []
        names = dict(settings.LANGUAGES)
        here = self.locale.language_code
        captions = sorted(self.video.captions.all(), key=lambda c: (c.language != here, c.language))
        return [
            {
                "url": caption.url(),
                "language": caption.language,
                "label": names.get(caption.language, caption.language),
                "default": caption.language == here,
            }
            for caption in captions
        ]


def lesson_video_create(*, title: str, video: File, captions: dict[str, File]) -> LessonVideo:
    """A video with its captions, checked as the editor's form checks them (the demo and
    tests add videos through this)."""
    found = LessonVideo(title=title, file=video)
    found.full_clean()
    # Every file is checked before any is stored: a refused caption leaves no video behind.
    checked = []
    for language, file in captions.items():
        caption = LessonCaption(language=language, file=file)
        caption.full_clean(exclude=["video"])
        checked.append(caption)
    with transaction.atomic():
        found.save()
        for caption in checked:
            caption.video = found
            caption.save()
    return found
