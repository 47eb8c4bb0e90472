from django.urls import path

from himoya.public_site import legal_views, letters, publications, views

app_name = "public"

# Included inside i18n_patterns (config/urls.py): every page at /<language>/...; the
# content pages (Wagtail's) come after these, under the name Wagtail reverses.
urlpatterns = [
    path("", views.home, name="home"),
    path("help/", views.help_request, name="help"),
    path("help/sent/<str:signed>/", views.help_sent, name="help_sent"),
    path("letters/", letters.letter_list, name="letters"),
    path("letters/<int:pk>/", letters.letter_form, name="letter"),
    path("legal-file/<int:page_id>/", legal_views.legal_file, name="legal_file"),
    path("publications/", publications.publications, name="publications"),
]
