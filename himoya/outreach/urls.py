from django.urls import path

from himoya.outreach import views

app_name = "outreach"

urlpatterns = [
    path("publications/", views.publication_list, name="publications"),
    path("publications/<int:pk>/", views.publication_edit, name="publication_edit"),
    path("trainings/", views.training_list, name="trainings"),
    path("trainings/<int:pk>/", views.training_edit, name="training_edit"),
    path("offices/", views.office_list, name="offices"),
    path("offices/<int:pk>/", views.office_edit, name="office_edit"),
]
