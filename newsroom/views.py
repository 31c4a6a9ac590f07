from django.http import Http404
from django.shortcuts import render
from django.views.generic import DetailView, ListView

from .models import Document, Organisation, Person, PressRelease


class PublicReleaseMixin:
    """Every public view of releases starts from ``PressRelease.objects.public()``."""

    def public_releases(self):
        return PressRelease.objects.public()


class HomeView(PublicReleaseMixin, ListView):
    template_name = "newsroom/home.html"
    context_object_name = "releases"
    paginate_by = 20

    def get_queryset(self):
        return self.public_releases().for_listing()


class ReleaseDetailView(PublicReleaseMixin, DetailView):
    template_name = "newsroom/release_detail.html"
    context_object_name = "release"

    def get_queryset(self):
        return self.public_releases().for_detail()

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            withdrawn = PressRelease.objects.filter(
                slug=kwargs["slug"], status=PressRelease.Status.WITHDRAWN
            ).first()
            if withdrawn is not None and withdrawn.was_public():
                return render(
                    request, "newsroom/release_withdrawn.html", {"release": withdrawn}, status=410
                )
            raise


class OrganisationDetailView(PublicReleaseMixin, DetailView):
    model = Organisation
    template_name = "newsroom/organisation_detail.html"
    context_object_name = "organisation"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["releases"] = self.public_releases().filter(organisations=self.object).for_listing()
        return context


class PersonDetailView(PublicReleaseMixin, DetailView):
    model = Person
    template_name = "newsroom/person_detail.html"
    context_object_name = "person"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["releases"] = (
            self.public_releases().filter(participants__person=self.object).distinct().for_listing()
        )
        return context


class DocumentDetailView(PublicReleaseMixin, DetailView):
    model = Document
    template_name = "newsroom/document_detail.html"
    context_object_name = "document"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["releases"] = self.public_releases().filter(documents=self.object).for_listing()
        return context
