from django.urls import path

from himoya.duty import views

app_name = "duty"

urlpatterns = [
    path("", views.roster, name="roster"),
    path("<int:pk>/end/", views.shift_end, name="shift_end"),
]
