from django.urls import path

from himoya.public_site import media_serving

app_name = "lesson_media"

# Outside the language prefixes: a video is the same file in every language.
urlpatterns = [
    path("video/<int:pk>.<str:extension>", media_serving.video, name="video"),
    path("captions/<int:pk>.vtt", media_serving.captions, name="captions"),
]
