from django.urls import path

from himoya.cases import views_register as views

app_name = "register"

urlpatterns = [
    path("", views.index, name="index"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/status/", views.job_status, name="job_status"),
    path("jobs/<int:pk>/confirm/", views.job_confirm, name="job_confirm"),
    path("jobs/<int:pk>/cancel/", views.job_cancel, name="job_cancel"),
    path("stats/", views.stats_page, name="stats"),
    path("stats/<int:year>.<str:fmt>", views.stats_download, name="stats_download"),
]
