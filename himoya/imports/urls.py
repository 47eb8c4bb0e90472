from django.urls import path

from himoya.imports import views

app_name = "imports"

# Under /staff/register/ (config/urls.py), where these pages have always been.
urlpatterns = [
    path("", views.index, name="index"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/status/", views.job_status, name="job_status"),
    path("jobs/<int:pk>/confirm/", views.job_confirm, name="job_confirm"),
    path("jobs/<int:pk>/cancel/", views.job_cancel, name="job_cancel"),
]
