from django.urls import path

from himoya.stats import views

app_name = "stats"

# Under /staff/register/ (config/urls.py), where these pages have always been.
urlpatterns = [
    path("stats/", views.stats_page, name="report"),
    path("stats/<int:year>.<str:fmt>", views.stats_download, name="download"),
]
