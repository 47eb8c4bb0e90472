"""Public pages. Nothing here reads case data, and nothing sets a cookie: content pages
are Wagtail's, served through ``serve``; the help form needs no CSRF cookie (see
``help_request``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from wagtail import views as wagtail_views
from wagtail.models import Locale, Page, Site

from himoya.public_site import i18n, spam
from himoya.public_site.forms import HelpRequestForm
from himoya.public_site.selectors import public_offices
from himoya.public_site.services import HelpRequest, help_request_submit

_REFERENCE_SALT = "himoya.public_site.reference"


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {"alternates": i18n.view_alternates(request), "menu": i18n.menu(), **extra}


def _same_origin(request: HttpRequest) -> bool:
    """The browser's own statement of where the form was sent from, when it gives one.
    The help form carries no CSRF token (it would need a cookie); this refuses a
    form another site makes a visitor's browser send."""
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        # No Origin (older browsers, some privacy tools): the Referer, if present.
        origin = request.headers.get("Referer")
        if origin is None:
            return True
    return url_has_allowed_host_and_scheme(
        origin, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def sent_url(reference: str) -> str:
    return reverse("public:help_sent", args=[signing.dumps(reference, salt=_REFERENCE_SALT)])


@csrf_exempt
def help_request(request: HttpRequest) -> HttpResponse:
    """The request-for-help form. It is exempt from the CSRF cookie on purpose: the public
    side sets no cookie before a form is used, and this form acts for nobody (it carries
    no session and registers as the ``web:public`` channel whoever is signed in), so a
    forged submission can do nothing a direct one could not. Cross-site posts are still
    refused by their Origin; floods by the honeypot, the time token and the rate limit."""
    status = 200
    if request.method == "POST":
        form = HelpRequestForm(request.POST)
        status = 400
        if not _same_origin(request):
            form.add_error(None, _("The form was sent from another site and was refused."))
        elif wait := spam.rate_limited(request):
            status = 429
            minutes = max(1, -(-wait // 60))
            form.add_error(
                None,
                ngettext(
                    "Too many requests came from your connection. Please try again in "
                    "%(minutes)d minute, or call a hotline.",
                    "Too many requests came from your connection. Please try again in "
                    "%(minutes)d minutes, or call a hotline.",
                    minutes,
                )
                % {"minutes": minutes},
            )
        elif request.POST.get(spam.HONEYPOT):
            form.add_error(spam.HONEYPOT, _("This field must stay empty."))
        elif problem := spam.time_token_problem(request.POST.get(spam.TIME_FIELD, "")):
            form.add_error(
                None,
                _("The form was sent very quickly. Please check it and send it again.")
                if problem == "fast"
                else _("The form was open for too long. Please check it and send it again."),
            )
        elif form.is_valid():
            data = form.cleaned_data
            try:
                reference, url = help_request_submit(
                    request=HelpRequest(
                        kind=data["kind"],
                        name=data["name"],
                        contact=data["contact"],
                        message=data["message"],
                        consent_processing=data["consent_processing"],
                        language=get_language() or "",
                    ),
                    token=data["form_token"],
                    url_of=sent_url,
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except ImproperlyConfigured:
                form.add_error(
                    None, _("The form cannot be sent at the moment. Please call a hotline.")
                )
            else:
                return HttpResponseRedirect(url)
        form.renew_time_token()
    else:
        form = HelpRequestForm()
    offices = public_offices(settings.HIMOYA_PUBLIC_ORGANISATION)
    context = _context(request, form=form, offices=offices)
    return render(request, "public_site/help_form.html", context, status=status)


def help_sent(request: HttpRequest, signed: str) -> HttpResponse:
    try:
        reference = signing.loads(signed, salt=_REFERENCE_SALT)
    except signing.BadSignature:
        raise Http404 from None
    offices = public_offices(settings.HIMOYA_PUBLIC_ORGANISATION)
    context = _context(request, reference=reference, offices=offices)
    return render(request, "public_site/help_sent.html", context)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 404 page (``handler404``). Outside /staff/ and /api/ it is a public page: the
    staff layout would set a CSRF cookie and load scripts, and a visitor who mistyped an
    address has used no form. Its language links lead to each language's home page."""
    if request.path.startswith(("/staff/", "/api/")):
        return defaults.page_not_found(request, exception)
    context = _context(request)
    context["alternates"] = i18n.alternates(
        request, {code: f"/{code}/" for code, _name in settings.LANGUAGES}
    )
    return render(request, "public_site/404.html", context, status=404)


def home(request: HttpRequest) -> HttpResponse:
    """The language's home page (named, so other templates can link to it)."""
    return serve(request, "")


def serve(request: HttpRequest, path: str) -> HttpResponse:
    """Wagtail's page view, which says so when a page exists only in other languages
    and links to them (404, so that search engines do not index the notice)."""
    site = Site.find_for_request(request)
    if site is None or site.root_page.specific_class is Page:
        # Wagtail's installation page ("Welcome to your new Wagtail site!") until the
        # organisation's content is made: not a page of ours to show anyone.
        raise Http404
    try:
        return wagtail_views.serve(request, path)
    except Http404:
        versions = _other_language_versions(request, path)
        if not versions:
            raise
    context = _context(request, versions=versions)
    context["alternates"] = i18n.alternates(request, {code: url for code, _n, url in versions})
    return render(request, "public_site/untranslated.html", context, status=404)


def _other_language_versions(request: HttpRequest, path: str) -> list[tuple[str, str, str]]:
    here = get_language()
    components = [part for part in path.split("/") if part]
    found = []
    names = dict(settings.LANGUAGES)
    for locale in Locale.objects.exclude(language_code=here).order_by("pk"):
        home = Page.objects.filter(depth=2, locale=locale).live().first()
        if home is None:
            continue
        try:
            page, _args, _kwargs = home.specific.route(request, components)
        except Http404:
            continue
        url = page.get_url(request=request)
        if url:
            found.append((locale.language_code, names.get(locale.language_code, ""), url))
    return found
