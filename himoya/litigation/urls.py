from django.urls import path

from himoya.litigation import views

app_name = "litigation"

# Under /staff/cases/ (config/urls.py), beside the case page's other handlers.
urlpatterns = [
    path("<int:pk>/proceedings/", views.proceeding_add, name="proceeding_add"),
    path(
        "<int:pk>/proceedings/<int:proceeding_pk>/strategic/",
        views.proceeding_strategic,
        name="proceeding_strategic",
    ),
    path("<int:pk>/decisions/", views.decision_add, name="decision_add"),
    path("<int:pk>/compensation/", views.compensation_add, name="compensation_add"),
    path("<int:pk>/compensation/award/", views.compensation_award, name="compensation_award"),
]
