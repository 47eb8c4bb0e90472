"""URLs of the test-only views; used with override_settings(ROOT_URLCONF=...)."""

from django.urls import path

from tests.testapp import views

urlpatterns = [path("upload/", views.upload, name="testapp_upload")]
