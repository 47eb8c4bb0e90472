from django.urls import path, re_path

from himoya.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    re_path(r"^export/(?P<fmt>csv|xlsx|interchange)/$", views.case_export, name="export"),
    path("appeals/new/", views.appeal_new, name="appeal_new"),
    path("appeals/duplicates/", views.duplicate_hints, name="duplicates"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("alerts/<int:pk>/read/", views.alert_read, name="alert_read"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/status/", views.case_status, name="status"),
    path("<int:pk>/close/", views.case_close, name="close"),
    path("<int:pk>/assign/", views.case_assign, name="assign"),
    path("<int:pk>/take/", views.case_take, name="take"),
    path("<int:pk>/share/", views.case_share, name="share"),
    path("<int:pk>/share/<int:share_pk>/remove/", views.case_unshare, name="unshare"),
    path("<int:pk>/clinicians/", views.clinician_assign, name="clinician_assign"),
    path(
        "<int:pk>/clinicians/<int:assignment_pk>/end/",
        views.clinician_unassign,
        name="clinician_unassign",
    ),
    path("<int:pk>/tasks/", views.task_add, name="task_add"),
    path("<int:pk>/tasks/<int:task_pk>/done/", views.task_done, name="task_done"),
    path("<int:pk>/notes/", views.note_add, name="note_add"),
    path("<int:pk>/hearings/", views.hearing_add, name="hearing_add"),
    path("<int:pk>/referrals/", views.referral_add, name="referral_add"),
    path(
        "<int:pk>/referrals/<int:referral_pk>/close/",
        views.referral_close,
        name="referral_close",
    ),
    path("<int:pk>/custody/", views.custody_add, name="custody_add"),
    path("<int:pk>/violations/", views.violation_add, name="violation_add"),
    path("<int:pk>/persons/", views.party_add, name="party_add"),
    path("<int:pk>/persons/<int:person_pk>/edit/", views.person_edit, name="person_edit"),
    path("<int:pk>/appeals/<int:appeal_pk>/letter/", views.appeal_letter, name="appeal_letter"),
    path("<int:pk>/appeals/<int:appeal_pk>/office/", views.appeal_office, name="appeal_office"),
]
