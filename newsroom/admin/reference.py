"""The admin of the reference data: organisations, documents, people and offices.

"Listed" puts a record on the public site before any public release names it
(docs/architecture.md, "Visibility").
"""

from django.contrib import admin
from django.db import models

from newsroom.models import (
    Appointment,
    Document,
    Office,
    Organisation,
    OrganisationRelation,
    Person,
)


class OrganisationRelationInline(admin.TabularInline):
    model = OrganisationRelation
    fk_name = "organisation"
    extra = 0
    autocomplete_fields = ["other", "basis"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    # An address typed without a scheme is a web address over https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "short_name", "kind", "parent", "is_listed"]
    list_filter = ["kind", "is_listed"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    inlines = [OrganisationRelationInline]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "date", "is_listed"]
    list_filter = ["kind", "is_listed"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["parties"]


class AppointmentInline(admin.TabularInline):
    model = Appointment
    extra = 0
    autocomplete_fields = ["office", "person"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "is_listed"]
    list_filter = ["is_listed"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AppointmentInline]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["title", "organisation__name", "organisation__short_name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organisation"]
    inlines = [AppointmentInline]
