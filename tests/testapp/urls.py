"""URLs of the test-only views; used with override_settings(ROOT_URLCONF=...)."""

from django.urls import path

from config.urls import urlpatterns as site_patterns
from tests.testapp import views

urlpatterns = [
    path("upload/", views.upload, name="testapp_upload"),
    path("guarded/letter/", views.guarded_letter, name="testapp_guarded_letter"),
    path("guarded/spilling/", views.guarded_spilling, name="testapp_guarded_spilling"),
    # The site's own pages too: its 403 and 404 pages link to them.
    *site_patterns,
]
