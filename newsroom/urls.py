from django.urls import path

from . import views

app_name = "newsroom"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("news/<slug:slug>/", views.ReleaseDetailView.as_view(), name="release_detail"),
    path(
        "organisations/<slug:slug>/",
        views.OrganisationDetailView.as_view(),
        name="organisation_detail",
    ),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("documents/<slug:slug>/", views.DocumentDetailView.as_view(), name="document_detail"),
]
