"""URLs of the test-only views; used with override_settings(ROOT_URLCONF=...)."""

from django.urls import path

from tests.testapp import views

urlpatterns = [
    path("upload/", views.upload, name="testapp_upload"),
    path("guarded/letter/", views.guarded_letter, name="testapp_guarded_letter"),
    path("guarded/spilling/", views.guarded_spilling, name="testapp_guarded_spilling"),
]
