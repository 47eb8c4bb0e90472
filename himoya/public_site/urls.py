from django.urls import path

from himoya.public_site import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
]
