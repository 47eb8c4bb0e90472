"""The real URLconf plus one view that fails, to see the 500 page as a visitor would."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as real_patterns


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a fictional failure for the 500 page test")


urlpatterns = [path("broken/", broken), *real_patterns]
