from django.urls import path

from himoya.public_site import story_views

app_name = "stories"

# Under /staff/stories/ (config/urls.py): the staff side of public stories.
urlpatterns = [
    path("", story_views.review_list, name="review_list"),
    path("<int:pk>/", story_views.review, name="review"),
    path("<int:pk>/send-back/", story_views.send_back, name="send_back"),
    path("<int:pk>/edit/", story_views.edit, name="edit"),
    path("<int:pk>/resubmit/", story_views.resubmit, name="resubmit"),
    path("case/<int:pk>/", story_views.story_propose, name="propose"),
]
