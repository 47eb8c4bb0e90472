from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.views.generic import RedirectView
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from himoya.public_site.documents import serve_document
from himoya.public_site.editing import cms_login
from himoya.public_site.views import serve as serve_page

admin.site.site_header = "Himoya"
admin.site.site_title = "Himoya"

# allauth answers its rate limits with this view: the 429 page says how long to wait.
handler429 = "himoya.accounts.throttle.too_many_requests"
# Outside /staff/ and /api/, the public layout: no cookie, no script (public_site.views).
handler404 = "himoya.public_site.views.not_found"

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    # Wagtail's editor: under /staff/, so StaffAccessMiddleware asks the same login and
    # two-factor authentication as every staff page before Wagtail sees the request.
    # Wagtail's own sign-in and sign-out pages are never shown: ours (allauth, with 2FA)
    # are the only way in and out, and Wagtail's login page links other hosts.
    path("staff/cms/login/", cms_login, name="cms_login"),
    path("staff/cms/logout/", RedirectView.as_view(pattern_name="account_logout")),
    path("staff/cms/", include(wagtailadmin_urls)),
    # Templates to download and other documents of the public site: read through our
    # storage (which decrypts) before Wagtail's own view, which would send ciphertext.
    re_path(r"^documents/(\d+)/(.*)$", serve_document, name="wagtaildocs_serve"),
    path("documents/", include(wagtaildocs_urls)),
    path("lesson-media/", include("himoya.public_site.media_urls")),
    path("staff/admin/", admin.site.urls),
    path("staff/accounts/", include("allauth.urls")),
    path("staff/cases/", include("himoya.reference.urls")),
    path("staff/cases/", include("himoya.cases.urls")),
    path("staff/cases/", include("himoya.litigation.urls")),
    path("staff/cases/", include("himoya.documentation.urls")),
    path("staff/cases/", include("himoya.evidence.urls")),
    path("staff/letters/", include("himoya.letters.urls")),
    path("staff/duty/", include("himoya.duty.urls")),
    path("staff/register/", include("himoya.imports.urls")),
    path("staff/register/", include("himoya.stats.urls")),
    path("staff/outreach/", include("himoya.outreach.urls")),
    path("staff/stories/", include("himoya.public_site.staff_urls")),
    path("staff/content-roles/", include("himoya.public_site.content_role_urls")),
    path("staff/api-tokens/", include("himoya.api.urls_tokens")),
    path("staff/", include("himoya.accounts.urls")),
    path("api/v1/", include("himoya.api.urls")),
]

# The public site: each language at its own prefix (/ru/, /kk/, /tg/, /en/); "/" is sent
# to the visitor's language by LocaleMiddleware. Content pages last, under the name
# Wagtail reverses for page URLs.
urlpatterns += i18n_patterns(
    path("", include("himoya.public_site.urls")),
    # Never a staff or API path: LocaleMiddleware would otherwise send an unknown
    # /api/... or /staff/... path to /ru/api/... instead of answering it there.
    re_path(r"^(?!staff/|api/)((?:[\w\-]+/)*)$", serve_page, name="wagtail_serve"),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
