from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """The public site's home page. It renders no case data."""
    return render(request, "public_site/home.html")
