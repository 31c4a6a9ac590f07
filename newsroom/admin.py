from django.contrib import admin

from .models import (
    Appointment,
    Document,
    Office,
    Organisation,
    OrganisationRelation,
    Participant,
    Person,
    Photo,
    PressRelease,
    PressReleaseTransition,
)


class OrganisationRelationInline(admin.TabularInline):
    model = OrganisationRelation
    fk_name = "organisation"
    extra = 0
    autocomplete_fields = ["other", "basis"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    inlines = [OrganisationRelationInline]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "date"]
    list_filter = ["kind"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["parties"]


class AppointmentInline(admin.TabularInline):
    model = Appointment
    extra = 0
    autocomplete_fields = ["office", "person"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name"]
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


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    autocomplete_fields = ["person", "office"]


class PhotoInline(admin.StackedInline):
    model = Photo
    extra = 0


class TransitionInline(admin.TabularInline):
    model = PressReleaseTransition
    extra = 0
    can_delete = False
    fields = ["at", "by", "from_status", "to_status", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PressRelease)
class PressReleaseAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "language", "dateline_date", "publish_at"]
    list_filter = ["status", "kind", "language"]
    search_fields = ["title", "lead", "body"]
    date_hierarchy = "dateline_date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organisations", "documents"]
    readonly_fields = ["status", "publish_at", "first_published_at", "updated_at"]
    inlines = [ParticipantInline, PhotoInline, TransitionInline]
