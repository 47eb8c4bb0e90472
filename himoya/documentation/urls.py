from django.urls import path

from himoya.documentation import views

app_name = "documentation"

# Under /staff/cases/ (config/urls.py), beside the case page's other handlers.
urlpatterns = [
    path("<int:pk>/consents/", views.consent_add, name="consent_add"),
    path(
        "<int:pk>/consents/<int:consent_pk>/revoke/",
        views.consent_revoke,
        name="consent_revoke",
    ),
    path("<int:pk>/interviews/", views.interview_add, name="interview_add"),
    path("<int:pk>/evaluations/", views.evaluation_add, name="evaluation_add"),
    path("<int:pk>/evaluations/findings/", views.finding_add, name="finding_add"),
    path(
        "<int:pk>/evaluations/findings/<int:finding_pk>/edit/",
        views.finding_edit,
        name="finding_edit",
    ),
    path(
        "<int:pk>/evaluations/findings/<int:finding_pk>/delete/",
        views.finding_delete,
        name="finding_delete",
    ),
    path(
        "<int:pk>/evaluations/<int:evaluation_pk>/report.<str:fmt>",
        views.evaluation_report,
        name="evaluation_report",
    ),
]
