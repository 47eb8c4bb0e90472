from django.urls import path

from himoya.reference import views

app_name = "reference"

# Under /staff/cases/ (config/urls.py), where these pages have always been.
urlpatterns = [
    path("facilities/", views.facility_list, name="facilities"),
    path("facilities/<int:pk>/verify/", views.facility_verify, name="facility_verify"),
    path("reference/changes/", views.reference_changes, name="changes"),
    path("partners/", views.partner_list, name="partners"),
    path("regions/options/", views.region_options, name="region_options"),
]
