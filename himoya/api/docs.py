"""The interactive API documentation (Swagger UI) served entirely from this host.

django-ninja renders its docs page from a CDN unless ninja is an installed app; our
pages load nothing from other hosts (they must work over Tor and leak nothing), so the
page and the Swagger UI files that ninja ships in its package are served here, under
/api/v1/docs. The page has no inline script or style (the settings travel as a JSON
data block), so it runs under the strict Content-Security-Policy.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from ninja.openapi.docs import DocsBase

ASSET_DIR = Path(ninja.__file__).resolve().parent / "static" / "ninja"
ASSETS = ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.png")


class LocalSwagger(DocsBase):
    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        settings = {
            "url": self.get_openapi_url(api, kwargs),
            "layout": "BaseLayout",
            "deepLinking": True,
            # No "validator badge": it would fetch from validator.swagger.io.
            "validatorUrl": None,
        }
        context = {
            "api": api,
            "swagger_settings": settings,
            "asset_base": reverse("api_docs_asset", kwargs={"name": "x"})[:-1],
        }
        return render(request, "api/docs.html", context)


def asset(request: HttpRequest, name: str) -> FileResponse:
    """One of the few Swagger UI files, by exact name (nothing else under the folder)."""
    if name not in ASSETS or not (ASSET_DIR / name).is_file():
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse((ASSET_DIR / name).open("rb"), content_type=content_type)
