from django.urls import path

from himoya.letters import batch_views, calendar_views, route_panel, staff_views, views

app_name = "letters"

# Under /staff/letters/ (config/urls.py).
urlpatterns = [
    path("", views.deadlines, name="deadlines"),
    path("recipients/", views.recipients, name="recipients"),
    path("recipients/new/", staff_views.recipient_new, name="recipient_new"),
    path("recipients/<int:pk>/", staff_views.recipient_edit, name="recipient_edit"),
    path("calendar/", calendar_views.calendar, name="calendar"),
    path("calendar/new/", calendar_views.correction_new, name="correction_new"),
    path("calendar/<int:pk>/", calendar_views.correction_edit, name="correction_edit"),
    path("templates/new/", staff_views.template_upload, name="template_upload"),
    path("templates/<int:pk>/file/", staff_views.template_download, name="template_download"),
    path("templates/<int:pk>/public/", staff_views.template_public, name="template_public"),
    path("case/<int:pk>/new/", views.letter_new, name="new"),
    path("case/<int:pk>/remedies/", route_panel.remedy_record, name="remedy_record"),
    path(
        "case/<int:pk>/remedies/<int:finding_pk>/withdraw/",
        route_panel.remedy_withdraw,
        name="remedy_withdraw",
    ),
    path("case/<int:pk>/panel/", views.case_panel, name="case_panel"),
    path("batches/new/", batch_views.batch_new, name="batch_new"),
    path("batches/<int:pk>/", batch_views.batch_detail, name="batch"),
    path("batches/<int:pk>/status/", batch_views.batch_status, name="batch_status"),
    path("<int:pk>/files/", views.letter_files, name="files"),
    path("<int:pk>/", views.letter_detail, name="detail"),
    path("<int:pk>/sign/", views.letter_sign, name="sign"),
    path("<int:pk>/regenerate/", views.letter_regenerate, name="regenerate"),
    path("<int:pk>/dispatch/", views.letter_dispatch, name="dispatch"),
    path("<int:pk>/answer/", views.letter_answer, name="answer"),
    path("<int:pk>/file/<str:which>/", views.letter_download, name="download"),
]
