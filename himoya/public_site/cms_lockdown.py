"""What Wagtail's admin must not do here, and the story drafts it must not show.

Permissions to edit the public site come only from ``editing.content_role_set``, which
checks ``content.role`` and writes the audit event. Wagtail's own pages that change
permissions (users, groups with their page and collection permissions, workflows and
their tasks, sites, locales, collection privacy, settings) would go round both, so
they are refused to everybody, superusers included (``CmsLockdownMiddleware``, 403) and
left out of the menus. The groups and the workflow are built in code
(``editing.editing_setup``), so nothing is lost.

A story's draft may still name someone until its reviewer confirms the anonymisation,
so Wagtail shows a story that is not live, or has unpublished changes, only to those who
may read it before publication (``story_services.visible_stories``: the organisation's
coordinators and the author): the explorer, the search and the page chooser leave it out,
and its admin pages (edit, preview, revisions, history) answer 404 like a missing page.
Wagtail's page search has no hook, so the middleware answers it with a subclass that
leaves the drafts out (the counts by page type beside the results still count them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from wagtail.admin.views.pages.search import SearchView

from himoya.public_site.stories import StoryPage
from himoya.public_site.story_services import visible_stories

CMS_PREFIX = "/staff/cms/"

# Whole sections of Wagtail's admin, by URL namespace. ``wagtaillocales`` and
# ``wagtailsettings`` are not installed today; listed so that installing them later does
# not open a way round ``content_role_set``.
REFUSED_NAMESPACES = frozenset(
    {
        "wagtailusers_users",
        "wagtailusers_groups",
        "wagtailadmin_workflows",
        "wagtailsites",
        "wagtaillocales",
        "wagtailsettings",
    }
)
# Single views of sections that otherwise stay open.
REFUSED_VIEWS = frozenset({"wagtailadmin_collections:set_privacy"})
PAGE_NAMESPACE = "wagtailadmin_pages"


def _refused_match(namespace: str, view_name: str) -> bool:
    return bool(set(namespace.split(":")) & REFUSED_NAMESPACES or view_name in REFUSED_VIEWS)


def refused_url(url: str) -> bool:
    """Whether ``url`` (a path under /staff/cms/) is one of the refused pages."""
    if not url.startswith(CMS_PREFIX):
        return False
    try:
        match = resolve(url.split("?", 1)[0])
    except Resolver404:
        return False
    return _refused_match(match.namespace, match.view_name)


def hidden_story_pages(user: Any) -> QuerySet[StoryPage]:
    """The stories whose draft ``user`` may not read: not live, or live with a newer
    unpublished revision, and not among the stories ``user`` may read."""
    drafts = StoryPage.objects.filter(Q(live=False) | Q(has_unpublished_changes=True))
    readable = visible_stories(user).values("page_id") if user.is_authenticated else []
    return drafts.exclude(pk__in=readable)


SEARCH_VIEWS = frozenset({f"{PAGE_NAMESPACE}:search", f"{PAGE_NAMESPACE}:search_results"})


class StorySafeSearchView(SearchView):
    def annotate_queryset(self, pages: QuerySet[Any]) -> QuerySet[Any]:
        hidden = hidden_story_pages(self.request.user).values("pk")
        return super().annotate_queryset(pages).exclude(pk__in=hidden)


class CmsLockdownMiddleware:
    """Refuses the permission pages of Wagtail's admin (403) and the admin pages of
    story drafts the user may not read (404). Acts only on /staff/cms/ paths, after
    ``StaffAccessMiddleware`` has asked for the login and 2FA."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Any,
        view_args: Any,
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or not request.path.startswith(CMS_PREFIX):
            return None
        if _refused_match(match.namespace, match.view_name):
            raise PermissionDenied(
                _("Permissions are given on the staff pages, where each change is audited.")
            )
        if match.view_name in SEARCH_VIEWS:
            # Wagtail's page search has no queryset hook: ours leaves the drafts out.
            view = StorySafeSearchView.as_view(results_only=match.url_name == "search_results")
            response: HttpResponse = view(request, *view_args, **view_kwargs)
            return response
        page_id = view_kwargs.get("page_id")
        if (
            PAGE_NAMESPACE in match.namespaces
            and page_id is not None
            and hidden_story_pages(request.user).filter(pk=page_id).exists()
        ):
            raise Http404
        return None


def main_menu(request: HttpRequest, menu_items: list[Any]) -> None:
    menu_items[:] = [item for item in menu_items if not refused_url(str(item.url))]


def explorer_pages(parent_page: Any, pages: QuerySet[Any], request: HttpRequest) -> QuerySet[Any]:
    return pages.exclude(pk__in=hidden_story_pages(request.user).values("pk"))


def chooser_pages(pages: QuerySet[Any], request: HttpRequest) -> QuerySet[Any]:
    return pages.exclude(pk__in=hidden_story_pages(request.user).values("pk"))
