from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path
from django.utils.translation import gettext as _

from himoya.api.api import api


def not_found(request: HttpRequest) -> JsonResponse:
    """Unknown paths under /api/v1/ answer JSON too (after authentication, which the
    staff-access middleware demands before anything under /api/ is routed)."""
    return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)


urlpatterns = [
    path("", api.urls),
    re_path(r"^.*$", not_found),
]
