from django.urls import path

from himoya.reference import steward_views, views

app_name = "reference"

# Under /staff/cases/ (config/urls.py), where these pages have always been.
urlpatterns = [
    path("facilities/", views.facility_list, name="facilities"),
    path("facilities/<int:pk>/verify/", views.facility_verify, name="facility_verify"),
    path("reference/changes/", views.reference_changes, name="changes"),
    path("partners/", views.partner_list, name="partners"),
    path("partners/<int:pk>/", views.partner_edit, name="partner_edit"),
    path("regions/options/", views.region_options, name="region_options"),
    path("facilities/<int:pk>/", steward_views.facility_edit, name="facility_edit"),
    path("reference/terms/", steward_views.term_list, name="terms"),
    path("reference/terms/<int:pk>/", steward_views.term_edit, name="term_edit"),
    path("reference/regions/", steward_views.region_list, name="regions"),
    path("reference/regions/<int:pk>/", steward_views.region_edit, name="region_edit"),
]
