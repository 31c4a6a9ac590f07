from django.urls import path

from . import preview

app_name = "preview"

urlpatterns = [
    path("<str:token>/", preview.shared_release, name="shared_release"),
]
