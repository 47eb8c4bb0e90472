from django.urls import path

from himoya.evidence import finding_views, package_views, views

app_name = "evidence"

# Under /staff/cases/ (config/urls.py), beside the case page's other handlers.
urlpatterns = [
    path("<int:pk>/evidence/", views.upload, name="upload"),
    path("<int:pk>/evidence/package/", package_views.package, name="package"),
    path(
        "<int:pk>/evidence/findings/<int:finding_pk>/",
        finding_views.finding_photos,
        name="finding_photos",
    ),
    path("<int:pk>/evidence/<int:item_pk>/", views.item_page, name="item"),
    path("<int:pk>/evidence/<int:item_pk>/download/", views.download, name="download"),
    path("<int:pk>/evidence/<int:item_pk>/redact/", views.redact, name="redact"),
    path(
        "<int:pk>/evidence/<int:item_pk>/copies/<int:copy_pk>/",
        views.copy_file,
        name="copy",
    ),
]
