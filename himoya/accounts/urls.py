from django.urls import path

from himoya.accounts import views

app_name = "staff"

urlpatterns = [
    path("", views.home, name="home"),
    path("people/", views.staff_list, name="staff_list"),
    path("people/<int:pk>/", views.staff_edit, name="staff_edit"),
    path(
        "people/role-requests/<int:pk>/approve/",
        views.role_request_approve,
        name="role_request_approve",
    ),
    path(
        "people/role-requests/<int:pk>/reject/",
        views.role_request_reject,
        name="role_request_reject",
    ),
    path("teams/", views.team_list, name="team_list"),
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/verify/", views.audit_verify, name="audit_verify"),
    path("invite/<uidb64>/<token>/", views.invite_accept, name="invite_accept"),
]
