"""Who edits the public site, and how a page gets published.

Staff edit in Wagtail's admin (``/staff/cms/``), behind the staff login and two-factor
authentication (``StaffAccessMiddleware`` guards every ``/staff/`` path before Wagtail
sees the request). Wagtail decides what a user may do from Django groups; we keep two,
each a content role held beside the member's case role (a lawyer may also write the
site's pages), granted only through ``content_role_set``, which is audited:

* content editors add and edit pages, upload images and documents, and submit a page for
  review; they cannot publish;
* content moderators may in addition approve, reject, publish, unpublish and schedule.

Every page is under the review workflow (one task, done by the moderators), so an
editor's page reaches a moderator before it is published. The groups, their permissions
and the workflow are made here, in code, on first use (``editing_setup``): Wagtail's own
placeholder groups ("Editors", "Moderators") get no members from us.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from himoya.core.events import record_event
from himoya.core.policies import SystemActor, policy, require
from himoya.public_site import content


class ContentRole(models.TextChoices):
    NONE = "", _("No content role")
    EDITOR = "editor", _("Content editor")
    MODERATOR = "moderator", _("Content moderator")


# The group names are data Wagtail shows in its admin; they are not translated.
GROUPS = {ContentRole.EDITOR: "Content editors", ContentRole.MODERATOR: "Content moderators"}
WORKFLOW = "Public site review"
REVIEW_TASK = "Review by a content moderator"

_PAGE_PERMISSIONS = {
    ContentRole.EDITOR: ["add_page", "change_page"],
    ContentRole.MODERATOR: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}
# Images and documents: both roles upload, edit and choose them (an editor's upload
# appears on the public site only through a page a moderator publishes).
_COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]

# Our snippets (lesson videos, legal topics): both roles add and change them (a video
# reaches the public only through a lesson a moderator publishes); only moderators
# delete, since a deletion takes the video off a live lesson at once.
_SNIPPETS = ["lessonvideo", "legaltopic"]
_MODEL_PERMISSIONS = {
    ContentRole.EDITOR: [f"{verb}_{model}" for model in _SNIPPETS for verb in ("add", "change")],
    ContentRole.MODERATOR: [
        f"{verb}_{model}" for model in _SNIPPETS for verb in ("add", "change", "delete")
    ],
}


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def editing_setup() -> dict[str, Group]:
    """The two groups with their permissions on the whole page tree and the root
    collection, and the review workflow on every page. Idempotent; repairs what an
    administrator removed in Wagtail's admin."""
    with transaction.atomic():
        root = content.tree_root()  # also makes the collections' root when missing
        collection = Collection.get_first_root_node()
        groups: dict[str, Group] = {}
        for role, name in GROUPS.items():
            group, _created = Group.objects.get_or_create(name=name)
            group.permissions.add(_permission("wagtailadmin", "access_admin"))
            group.permissions.add(
                *(_permission("public_site", codename) for codename in _MODEL_PERMISSIONS[role])
            )
            for codename in _PAGE_PERMISSIONS[role]:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root, permission=_permission("wagtailcore", codename)
                )
            for app_label, codename in _COLLECTION_PERMISSIONS:
                GroupCollectionPermission.objects.get_or_create(
                    group=group,
                    collection=collection,
                    permission=_permission(app_label, codename),
                )
            groups[role] = group
        task = GroupApprovalTask.objects.filter(name=REVIEW_TASK).first()
        if task is None:
            task = GroupApprovalTask.objects.create(name=REVIEW_TASK)
        task.active = True
        task.save(update_fields=["active"])
        task.groups.set([groups[ContentRole.MODERATOR]])
        workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW)
        if not workflow.active:
            workflow.active = True
            workflow.save(update_fields=["active"])
        WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
        # Assigned to the root, the workflow covers every language's tree.
        WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    return groups


def content_role(user: Any) -> str:
    names = set(user.groups.filter(name__in=GROUPS.values()).values_list("name", flat=True))
    if GROUPS[ContentRole.MODERATOR] in names:
        return ContentRole.MODERATOR
    if GROUPS[ContentRole.EDITOR] in names:
        return ContentRole.EDITOR
    return ContentRole.NONE


def _site_organisation_slug() -> str:
    from django.conf import settings

    return str(settings.HIMOYA_PUBLIC_ORGANISATION)


@policy("content.role")
def content_role_policy(actor: Any, member: Any) -> bool:
    """Content roles are given by the coordinators and administrators of the
    organisation that runs the site, to its own active members; instance superusers
    give them to anyone. A content role opens no case to anybody."""
    if actor.is_superuser:
        return True
    organisation = getattr(member, "organisation", None)
    return bool(
        organisation is not None
        and organisation.slug == _site_organisation_slug()
        and actor.organisation_id == organisation.pk
        and actor.role in ("coordinator", "admin")
    )


def content_role_set(*, actor: Any, member: Any, role: str) -> bool:
    """Gives ``member`` the content role ``role`` (``""``: none). Returns whether it
    changed; the change is an audit event naming both roles."""
    require(actor, "content.role", member)
    if role not in ContentRole.values:
        raise ValidationError(_("Unknown content role."))
    if role and not member.is_active:
        raise ValidationError(_("An inactive account cannot get a content role."))
    with transaction.atomic():
        groups = editing_setup()
        old = content_role(member)
        if old == role:
            return False
        member.groups.remove(*groups.values())
        if role:
            member.groups.add(groups[role])
        record_event(
            actor=actor,
            action="content.role",
            obj=member,
            organisation=member.organisation,
            data={"content_role": [old, role]},
        )
    return True


def cms_login(request: HttpRequest) -> HttpResponse:
    """Where Wagtail sends a request it refuses (``WAGTAILADMIN_LOGIN_URL``). Under
    /staff/, only a signed-in user who passed 2FA gets here, so the refusal means "no
    content role": a 403, not our sign-in page, which would send a signed-in user back
    to the editor and round again."""
    if request.user.is_authenticated:
        raise PermissionDenied(_("You have no content role on the public site."))
    query = urlencode({"next": request.GET.get("next", "/staff/cms/")})
    return redirect(f"{reverse('account_login')}?{query}")


def system_actor() -> SystemActor:
    """Who did what Wagtail did with no user: scheduled publication run by the worker
    (``task:...``) or code building pages (the demo)."""
    from himoya.core.tasks import running_task, task_actor

    return task_actor() if running_task() is not None else SystemActor("system:wagtail")
