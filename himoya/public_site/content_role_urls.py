from django.urls import path

from himoya.public_site import content_roles

app_name = "content_roles"

# Under /staff/content-roles/ (config/urls.py): set on the staff member's page.
urlpatterns = [
    path("<int:pk>/", content_roles.content_role_update, name="update"),
]
