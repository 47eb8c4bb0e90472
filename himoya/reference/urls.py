from django.urls import path

from himoya.reference import views

app_name = "reference"

# Under /staff/cases/ (config/urls.py), where these pages have always been.
urlpatterns = [
    path("facilities/", views.facility_list, name="facilities"),
    path("partners/", views.partner_list, name="partners"),
]
