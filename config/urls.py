from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

admin.site.site_header = "Himoya"
admin.site.site_title = "Himoya"

# allauth answers its rate limits with this view: the 429 page says how long to wait.
handler429 = "himoya.accounts.throttle.too_many_requests"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("himoya.public_site.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
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
    path("staff/api-tokens/", include("himoya.api.urls_tokens")),
    path("staff/", include("himoya.accounts.urls")),
    path("api/v1/", include("himoya.api.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
