"""Wagtail's actions in our audit chain.

Wagtail writes a log entry for everything done to a page, an image or a document (its
``log()``: created, edited, submitted, approved, rejected, published, unpublished,
deleted, scheduled...), from its admin views and its models alike. Each new entry is
recorded here as an audit event, in the transaction that writes the entry, so the
tamper-evident chain holds the same history as Wagtail's own history pages (which an
administrator could alter).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from wagtail.models import ModelLogEntry, PageLogEntry

from himoya.core.events import record_event
from himoya.public_site.editing import system_actor

# Wagtail's action → ours, for pages.
PAGE_ACTIONS = {
    "wagtail.create": "content.page_create",
    "wagtail.edit": "content.page_edit",
    "wagtail.revert": "content.page_edit",
    "wagtail.workflow.start": "content.page_submit",
    "wagtail.workflow.resume": "content.page_submit",
    "wagtail.workflow.approve": "content.page_approve",
    "wagtail.moderation.approve": "content.page_approve",
    "wagtail.workflow.reject": "content.page_reject",
    "wagtail.moderation.reject": "content.page_reject",
    "wagtail.publish": "content.page_publish",
    "wagtail.publish.scheduled": "content.page_publish",
    "wagtail.publish.schedule": "content.page_schedule",
    "wagtail.schedule.cancel": "content.page_schedule",
    "wagtail.unpublish": "content.page_unpublish",
    "wagtail.unpublish.scheduled": "content.page_unpublish",
    "wagtail.delete": "content.page_delete",
}
# For images and documents (and anything else Wagtail logs), by model.
UPLOADS = {"wagtailimages.image": "content.image", "wagtaildocs.document": "content.document"}
MODEL_ACTIONS = {"wagtail.create": "upload", "wagtail.edit": "edit", "wagtail.delete": "delete"}


def _actor(entry: Any) -> Any:
    return entry.user if entry.user_id is not None else system_actor()


def _page_entry(sender: Any, instance: PageLogEntry, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    action = PAGE_ACTIONS.get(instance.action, "content.page_other")
    record_event(
        actor=_actor(instance),
        action=action,
        obj=instance.page if instance.page_id and not instance.deleted else None,
        data={
            "wagtail": instance.action,
            "page": instance.page_id,
            "title": instance.label,
            "revision": instance.revision_id,
        },
    )


def _model_entry(sender: Any, instance: ModelLogEntry, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    label = f"{instance.content_type.app_label}.{instance.content_type.model}"
    kind = UPLOADS.get(label)
    verb = MODEL_ACTIONS.get(instance.action)
    action = f"{kind}_{verb}" if kind and verb else "content.model_other"
    record_event(
        actor=_actor(instance),
        action=action,
        data={
            "wagtail": instance.action,
            "model": label,
            "id": instance.object_id,
            "title": instance.label,
        },
    )


def connect() -> None:
    post_save.connect(_page_entry, sender=PageLogEntry, dispatch_uid="himoya.cms_audit.page")
    post_save.connect(_model_entry, sender=ModelLogEntry, dispatch_uid="himoya.cms_audit.model")
