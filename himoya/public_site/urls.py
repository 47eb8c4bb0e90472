from django.urls import path

from himoya.public_site import publications, views

app_name = "public"

# Included inside i18n_patterns (config/urls.py): every page at /<language>/...; the
# content pages (Wagtail's) come after these, under the name Wagtail reverses.
urlpatterns = [
    path("", views.home, name="home"),
    path("help/", views.help_request, name="help"),
    path("help/sent/<str:signed>/", views.help_sent, name="help_sent"),
    path("publications/", publications.publications, name="publications"),
]
