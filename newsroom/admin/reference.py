"""The admin of the reference data: organisations, documents, people, offices and topics.

"Listed" puts a record on the public site before any public release names it
(docs/architecture.md, "Visibility"). Each name has its Russian and Chinese
field beside the English one; an empty one shows the English.
"""

from django.contrib import admin
from django.db import models
from taggit.models import Tag

from newsroom.models import (
    Appointment,
    Document,
    Office,
    Organisation,
    OrganisationRelation,
    Person,
    Topic,
)
from newsroom.models.languages import all_names


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
    search_fields = [*all_names("name"), *all_names("short_name")]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    inlines = [OrganisationRelationInline]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "date", "is_listed"]
    list_filter = ["kind", "is_listed"]
    search_fields = [*all_names("title"), "summary"]
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
    search_fields = all_names("name")
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AppointmentInline]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation"]
    list_filter = ["organisation"]
    search_fields = [*all_names("title"), "organisation__name", "organisation__short_name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organisation"]
    inlines = [AppointmentInline]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "name_ru", "name_zh_hans", "slug"]
    search_fields = all_names("name")
    prepopulated_fields = {"slug": ["name"]}


# Releases' topics are ``Topic``; taggit's own tag table is no longer used.
if admin.site.is_registered(Tag):
    admin.site.unregister(Tag)
