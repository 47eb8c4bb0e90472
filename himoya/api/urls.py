from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from himoya.api import docs, entry
from himoya.api.api import api


@csrf_exempt  # answers 404 to every method and changes nothing
def not_found(request: HttpRequest) -> JsonResponse:
    """Unknown paths under /api/v1/ answer JSON too (after authentication, which the
    staff-access middleware demands before anything under /api/ is routed)."""
    return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)


urlpatterns = [
    path("docs/<str:name>", docs.asset, name="api_docs_asset"),
    path("", entry.root, name="api_root"),
    path("", api.urls),
    re_path(r"^[\s\S]*$", not_found),  # any path, newlines included
]
