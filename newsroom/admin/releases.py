"""The release admin: the editor, its workflow steps, bulk actions, revisions and share links.

Every save goes through ``newsroom.editorial.editing.save_release`` together
with the form's links, its inlines and the step the editor chose
(docs/architecture.md, "The write path").
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from newsroom import permissions
from newsroom.dates import format_site_time
from newsroom.editorial import editing, transitions
from newsroom.editorial.forms import AddTranslationForm, PressReleaseAdminForm, ShareLinkForm
from newsroom.editorial.previews import share_url
from newsroom.editorial.revisions import (
    diff_snapshots,
    original_changes,
    release_versions,
    restore_revision,
    snapshot_of_version,
)
from newsroom.editorial.transitions import TRANSITIONS, TransitionInvalid, TransitionNotAllowed
from newsroom.models import (
    Participant,
    Photo,
    PressRelease,
    PressReleaseTransition,
    PublicRecordProtected,
    ShareLink,
    StaleRelease,
    language_name,
)
from newsroom.site.previews import render_preview

from .importing import ImportDocumentsAdminMixin


def publication_fields(release):
    """The publication fields worth showing for ``release`` (``None`` while it is added)."""
    if release is None:
        return []
    fields = []
    if release.replaces() is not None:
        fields.append("draft_of_link")
    if (
        release.first_published_at
        or release.public_at
        or release.status == PressRelease.Status.PUBLISHED
    ):
        # Corrections are for releases readers have seen or are about to see.
        fields += ["correction_note", "first_published_at"]
    fields.append(("created_by", "updated_at"))
    return fields


def returned_note(release):
    """Who returned this draft to its author, when and why, while it is still a draft."""
    if release.status != PressRelease.Status.DRAFT:
        return None
    last = release.transitions.select_related("by").order_by("-at", "-pk").first()
    if last is None or last.to_status != PressRelease.Status.DRAFT or not last.comment:
        return None
    if last.from_status == PressRelease.Status.WITHDRAWN:
        return None
    by = last.by
    return {
        "by_name": (by.get_full_name() or by.get_username()) if by else "an editor",
        "at": format_site_time(last.at),
        "comment": last.comment,
    }


class ReleaseChildInline:
    """Participants and photos are editable exactly when their release is."""

    def _release_editable(self, request, obj):
        return obj is None or transitions.can_edit(obj, request.user)

    def has_add_permission(self, request, obj=None):
        return self._release_editable(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._release_editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._release_editable(request, obj) and super().has_delete_permission(request, obj)


class LabelledRowsFormSet(BaseInlineFormSet):
    """A table of inline forms whose inputs carry their column's name for screen readers.

    A table shows each field's label once, as a column heading; the inputs in its rows
    have no label of their own.
    """

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row = "new row" if index is None else f"row {index + 1}"
        for field in form.fields.values():
            widget = getattr(field.widget, "widget", field.widget)
            widget.attrs.setdefault("aria-label", f"{field.label} ({row})")


class ParticipantInline(ReleaseChildInline, admin.TabularInline):
    formset = LabelledRowsFormSet
    model = Participant
    extra = 0
    autocomplete_fields = ["person", "office"]
    fields = ["person", "office", "role", "order"]


class PhotoInline(ReleaseChildInline, admin.StackedInline):
    model = Photo
    extra = 0
    fields = ["image", "alt_text", "caption", "credit", "order"]


class TransitionInline(admin.TabularInline):
    model = PressReleaseTransition
    extra = 0
    can_delete = False
    fields = ["at", "by", "from_status", "to_status", "comment"]
    readonly_fields = fields
    verbose_name = "workflow step"
    verbose_name_plural = "Workflow history"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


WORKFLOW_STATES = [
    ("draft", "Draft"),
    ("in_review", "In review"),
    ("scheduled", "Scheduled"),
    ("published", "Published (public)"),
    ("withdrawn", "Withdrawn"),
]


class WorkflowStateFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return WORKFLOW_STATES

    def queryset(self, request, queryset):
        if self.value() in dict(WORKFLOW_STATES):
            return queryset.in_state(self.value())
        return queryset


class TranslationFilter(admin.SimpleListFilter):
    title = "translation"
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        return [
            ("out_of_date", "Out of date with its original"),
            ("in_step", "In step with its original"),
            ("original", "Not translated from another version"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "out_of_date":
            return queryset.out_of_date()
        if self.value() == "in_step":
            return queryset.filter(translated_from__isnull=False).exclude(
                pk__in=queryset.out_of_date().values("pk")
            )
        if self.value() == "original":
            return queryset.filter(translated_from__isnull=True)
        return queryset


def version_row(version, *, current):
    """What the versions table and the staff JSON say about one version of a group."""
    return {
        "id": version.pk,
        "language": version.language,
        "language_name": language_name(version.language),
        "title": version.title,
        "label": str(version),
        "state": version.workflow_state(),
        "publish_at": version.publish_at,
        "admin_url": reverse("admin:newsroom_pressrelease_change", args=[version.pk]),
        "translated_from": version.translated_from_id,
        "out_of_date": version.is_out_of_date(),
        "current": current,
    }


@admin.register(PressRelease)
class PressReleaseAdmin(ImportDocumentsAdminMixin, admin.ModelAdmin):
    form = PressReleaseAdminForm
    list_display = [
        "title",
        "state_badge",
        "kind",
        "language_and_step",
        "dateline_date",
        "created_by",
        "updated_at",
    ]
    list_select_related = ["created_by", "translated_from"]
    list_filter = [
        WorkflowStateFilter,
        "kind",
        "language",
        TranslationFilter,
        "organisations",
        "tags",
        ("created_by", admin.RelatedOnlyFieldListFilter),
    ]
    list_per_page = 50
    search_fields = ["title", "lead", "body"]
    search_help_text = "Searches titles, leads and body texts."
    date_hierarchy = "dateline_date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organisations", "documents"]
    readonly_fields = [
        "state_badge",
        "created_by",
        "first_published_at",
        "updated_at",
        "draft_of_link",
    ]
    fieldsets = [
        (None, {"fields": ["kind", "title", "slug", "lead", "body"]}),
        ("Dateline", {"fields": [("dateline_place", "dateline_date")]}),
        ("Related", {"fields": ["organisations", "documents", "tags"]}),
        # Filled in for each release by ``publication_fields``.
        ("Publication", {"fields": []}),
        (
            "Languages",
            {
                "classes": ["collapse"],
                "fields": ["language"],
            },
        ),
    ]
    inlines = [ParticipantInline, PhotoInline, TransitionInline]
    actions = ["submit_selected", "publish_selected", "restore_selected"]
    # The releases someone worked on last come first.
    ordering = ["-updated_at", "-pk"]

    def get_fieldsets(self, request, obj=None):
        """Publication details only where they say something about this release."""
        fieldsets = []
        for name, options in self.fieldsets:
            if name == "Publication":
                fields = publication_fields(obj)
                if not fields:
                    continue
                options = {**options, "fields": fields}
            fieldsets.append((name, options))
        return fieldsets

    def get_inline_instances(self, request, obj=None):
        # An empty history says nothing: it appears with the first step.
        return [
            inline
            for inline in super().get_inline_instances(request, obj)
            if not isinstance(inline, TransitionInline) or (obj and obj.transitions.exists())
        ]

    # Display ---------------------------------------------------------------

    @admin.display(description="status", ordering="status")
    def state_badge(self, obj):
        state = obj.workflow_state()
        label = dict(WORKFLOW_STATES)[state]
        if state == "scheduled":
            label, when = "Scheduled for", format_site_time(obj.publish_at)
        elif state == "published" and obj.publish_at:
            label, when = "Published", format_site_time(obj.publish_at)
        else:
            when = ""
        return format_html(
            '<span class="release-state release-state--{}">{}{}</span>',
            state,
            label,
            format_html(" <small>{}</small>", when) if when else "",
        )

    @admin.display(description="language", ordering="language")
    def language_and_step(self, obj):
        """The language, and for a translation whether it follows its original's content."""
        if obj.translated_from_id is None:
            return obj.get_language_display()
        if obj.is_out_of_date():
            mark = format_html(
                '<span class="release-state release-state--{}">Out of date</span>', "out-of-date"
            )
        else:
            mark = format_html("<small>{}</small>", "translation, in step")
        return format_html("{}<br>{}", obj.get_language_display(), mark)

    @admin.display(description="replaces")
    def draft_of_link(self, obj):
        live = obj.replaces()
        if live is None:
            return "—"
        url = reverse("admin:newsroom_pressrelease_change", args=[live.pk])
        return format_html(
            '<a href="{}">the live release</a>; publishing this draft puts its content there.',
            url,
        )

    # Permissions -----------------------------------------------------------

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return transitions.can_edit(obj, request.user)

    def has_delete_permission(self, request, obj=None):
        # A release readers have seen is withdrawn, never deleted: no button, no bulk delete.
        if obj is not None and obj.was_ever_public():
            return False
        return super().has_delete_permission(request, obj)

    def has_publish_permission(self, request):
        return request.user.has_perm(permissions.PUBLISH_RELEASE)

    def has_withdraw_permission(self, request):
        return request.user.has_perm(permissions.WITHDRAW_RELEASE)

    def delete_queryset(self, request, queryset):
        try:
            super().delete_queryset(request, queryset)
        except PublicRecordProtected as error:
            raise PermissionDenied(error.messages[0]) from error

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    # Saving ----------------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), **self._workflow_context(request, object_id)}
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (StaleRelease, TransitionInvalid, TransitionNotAllowed) as error:
            # Someone acted between the form's checks and the write, or the
            # write refused the step; the whole submission was rolled back.
            # Showing the form again lets its checks explain what happened
            # with the typed text still in place.
            if not getattr(request, "_workflow_retried", False):
                request._workflow_retried = True
                return self.changeform_view(request, object_id, form_url, extra_context)
            self.message_user(request, " ".join(_messages(error)), messages.ERROR)
            return HttpResponseRedirect(request.path)

    def _workflow_context(self, request, object_id):
        if object_id is None:
            return {}
        release = self.get_object(request, object_id)
        if release is None:
            return {}
        release = PressRelease.objects.select_related("translated_from").get(pk=release.pk)
        steps = [
            (name, TRANSITIONS[name])
            for name in transitions.allowed(release, request.user)
            if transitions.can_edit(release, request.user)
        ]
        group_steps = self._group_steps(request, release)
        return {
            "workflow_state": self.state_badge(release),
            "returned_note": returned_note(release),
            "workflow_transitions": steps,
            "group_steps": group_steps,
            "offers_publication": any(name == "publish" for name, _step in steps + group_steps),
            "site_time_zone": timezone.get_current_timezone_name(),
            "versions": [
                {
                    **version_row(version, current=version.pk == release.pk),
                    "badge": self.state_badge(version),
                }
                for version in release.versions().select_related("translated_from")
            ],
            "can_add_translation": self.has_add_permission(request)
            and release.replaces() is None
            and bool(editing.missing_languages(release)),
            "original_changes": original_changes(release),
        }

    def _group_steps(self, request, release):
        """The steps the user may take on the whole group: (name, label, languages)."""
        if not transitions.can_edit(release, request.user) or release.replaces() is not None:
            return []
        steps = []
        for name in editing.GROUP_STEPS:
            if not request.user.has_perm(TRANSITIONS[name].permission):
                continue
            members = editing.group_members(release, name)
            if not [member for member in members if member.pk != release.pk]:
                continue
            # Offered where the release takes the step itself, or, for a public release,
            # to publish the versions still to come.
            if release not in members and not (name == "publish" and release.is_public()):
                continue
            languages = ", ".join(language_name(member.language) for member in members)
            label = {
                "publish": "Publish all versions",
                "withdraw": "Withdraw all versions",
            }[name]
            if name == "publish" and all(m.workflow_state() == "scheduled" for m in members):
                label = "Change publication time of all versions"
            steps.append((name, f"{label} ({languages})"))
        return steps

    def save_model(self, request, obj, form, change):
        # The release is written in save_related, together with its links and
        # inlines, by the one write path.
        pass

    def save_related(self, request, form, formsets, change):
        release = form.instance
        group = form.requested_group_step
        name = group or form.requested_transition
        comment = form.cleaned_data.get("transition_comment", "") if name else ""
        at = form.cleaned_data.get("schedule_at") if name == "publish" else None
        # The form showed the original's changes up to this content version.
        seen = form.cleaned_data.get("original_version_seen")
        links = editing.form_links(
            form, formsets, lambda formset: self.save_formset(request, form, formset, change)
        )
        if group:
            done = editing.take_group_step(
                release,
                group,
                request.user,
                comment=comment,
                at=at,
                links=links,
                caught_up_with=seen,
            )
            languages = ", ".join(language_name(version.language) for version in done)
            request._workflow_done = f"{TRANSITIONS[group].past} with its versions ({languages})"
        elif name == "publish" and release.replaces() is not None:
            editing.save_release(release, by=request.user, links=links, caught_up_with=seen)
            request._workflow_live = editing.publish_working_copy(
                release, request.user, comment=comment, at=at
            )
        else:
            editing.save_release(
                release,
                by=request.user,
                comment=comment,
                links=links,
                step=name,
                at=at,
                caught_up_with=seen,
            )
        if name and not group:
            request._workflow_done = TRANSITIONS[name].past

    def response_change(self, request, obj):
        live = getattr(request, "_workflow_live", None)
        if live is not None:
            # The working copy is gone: its content is now the live release's.
            self.message_user(
                request,
                f"“{live}” was published with the restored content: now {live.state_label()}.",
            )
            return HttpResponseRedirect(
                reverse("admin:newsroom_pressrelease_change", args=[live.pk])
            )
        return self._step_response(request, obj) or super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        return self._step_response(request, obj) or super().response_add(
            request, obj, post_url_continue
        )

    def _step_response(self, request, obj):
        """After a workflow step, its own message only, on the release's page."""
        done = getattr(request, "_workflow_done", None)
        if not done:
            return None
        obj.refresh_from_db()
        self.message_user(request, f"“{obj}” was {done}: now {obj.state_label()}.")
        return HttpResponseRedirect(reverse("admin:newsroom_pressrelease_change", args=[obj.pk]))

    # Bulk actions ----------------------------------------------------------

    def _bulk(self, request, queryset, name, call):
        for release in queryset:
            try:
                call(release)
            except (PermissionDenied, ValidationError) as error:
                self.message_user(
                    request,
                    f"“{release}” was not changed: {' '.join(_messages(error))}",
                    messages.WARNING,
                )
            else:
                self.message_user(request, f"“{release}” was {TRANSITIONS[name].past}.")

    @admin.action(description="Submit selected releases for review", permissions=["change"])
    def submit_selected(self, request, queryset):
        self._bulk(request, queryset, "submit", lambda r: r.submit(request.user))

    @admin.action(description="Publish selected releases now", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, "publish", lambda r: r.publish(request.user))

    @admin.action(
        description="Restore selected withdrawn releases to draft", permissions=["withdraw"]
    )
    def restore_selected(self, request, queryset):
        self._bulk(
            request, queryset, "restore_to_draft", lambda r: r.restore_to_draft(request.user)
        )

    # Preview, revisions and share links -----------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/preview/",
                view(self.preview_view),
                name="newsroom_pressrelease_preview",
            ),
            path(
                "<path:object_id>/revisions/",
                view(self.revisions_view),
                name="newsroom_pressrelease_revisions",
            ),
            path(
                "<path:object_id>/revisions/<int:version_id>/restore/",
                view(self.restore_view),
                name="newsroom_pressrelease_restore",
            ),
            path(
                "<path:object_id>/share/", view(self.share_view), name="newsroom_pressrelease_share"
            ),
            path(
                "<path:object_id>/translate/",
                view(self.add_translation_view),
                name="newsroom_pressrelease_translate",
            ),
            path(
                "<path:object_id>/versions.json",
                view(self.versions_json_view),
                name="newsroom_pressrelease_versions_json",
            ),
            path(
                "out-of-date.json",
                view(self.out_of_date_json_view),
                name="newsroom_pressrelease_out_of_date_json",
            ),
            path(
                "<path:object_id>/share/<int:link_id>/revoke/",
                view(self.revoke_share_view),
                name="newsroom_pressrelease_revoke_share",
            ),
            *super().get_urls(),
        ]

    def _release_or_404(self, request, object_id):
        release = self.get_object(request, object_id)
        if release is None or not self.has_view_or_change_permission(request, release):
            raise Http404("No such release.")
        return release

    def _page(self, request, release, template, **context):
        return TemplateResponse(
            request,
            f"admin/newsroom/pressrelease/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": release,
                "title": context.pop("title"),
                "has_view_permission": True,
                **context,
            },
        )

    def preview_view(self, request, object_id):
        release = self._release_or_404(request, object_id)
        return render_preview(request, release)

    def revisions_view(self, request, object_id):
        release = self._release_or_404(request, object_id)
        versions = list(release_versions(release))
        by_id = {version.pk: version for version in versions}
        diff = None
        older = newer = None
        try:
            chosen = [int(request.GET[key]) for key in ("a", "b") if key in request.GET]
        except ValueError:
            chosen = []
        if len(chosen) == 2:
            if not all(pk in by_id for pk in chosen):
                raise Http404("No such revision of this release.")
            older, newer = sorted(
                (by_id[pk] for pk in chosen), key=lambda v: v.revision.date_created
            )
            diff = diff_snapshots(snapshot_of_version(older), snapshot_of_version(newer))
        return self._page(
            request,
            release,
            "revisions.html",
            title=f"Revisions of “{release}”",
            versions=versions,
            diff=diff,
            older=older,
            newer=newer,
            can_restore=transitions.can_edit(release, request.user),
        )

    def restore_view(self, request, object_id, version_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        release = self._release_or_404(request, object_id)
        version = next((v for v in release_versions(release) if v.pk == version_id), None)
        if version is None:
            raise Http404("No such revision of this release.")
        try:
            restored = restore_revision(release, version, request.user)
        except (PermissionDenied, ValidationError) as error:
            self.message_user(request, " ".join(_messages(error)), messages.ERROR)
            return HttpResponseRedirect(
                reverse("admin:newsroom_pressrelease_revisions", args=[release.pk])
            )
        if restored.pk == release.pk:
            message = f"Restored the revision of {format_site_time(version.revision.date_created)}."
        else:
            message = (
                f"The revision of {format_site_time(version.revision.date_created)} is now this "
                "draft. The live release stays as it is until you publish this draft."
            )
        self.message_user(request, message)
        return HttpResponseRedirect(
            reverse("admin:newsroom_pressrelease_change", args=[restored.pk])
        )

    def add_translation_view(self, request, object_id):
        release = self._release_or_404(request, object_id)
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = AddTranslationForm(request.POST or None, release=release)
        if request.method == "POST" and form.is_valid():
            try:
                version = editing.add_translation(
                    release, form.cleaned_data["language"], by=request.user
                )
            except (PermissionDenied, ValidationError) as error:
                form.add_error(None, _messages(error))
            else:
                self.message_user(
                    request,
                    f"A {language_name(version.language)} draft of “{release}” was added with "
                    "what the versions share. Write its title, lead and text, and the photos' "
                    "captions and descriptions, in that language.",
                )
                return HttpResponseRedirect(
                    reverse("admin:newsroom_pressrelease_change", args=[version.pk])
                )
        return self._page(
            request,
            release,
            "add_translation.html",
            title=f"Add a translation of “{release}”",
            form=form,
        )

    def versions_json_view(self, request, object_id):
        """The versions of a release with their states, for staff only; never cached."""
        release = self._release_or_404(request, object_id)
        versions = release.versions().select_related("translated_from")
        return _staff_json(
            {
                "id": release.pk,
                "out_of_date": release.is_out_of_date(),
                "versions": [
                    version_row(version, current=version.pk == release.pk) for version in versions
                ],
            }
        )

    def out_of_date_json_view(self, request):
        """Every version whose original changed since it was last saved, for staff only."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        versions = PressRelease.objects.out_of_date().select_related("translated_from")
        return _staff_json(
            {"results": [version_row(version, current=False) for version in versions]}
        )

    def share_view(self, request, object_id):
        release = self._release_or_404(request, object_id)
        if not self.has_publish_permission(request):
            raise PermissionDenied
        form = ShareLinkForm(
            request.POST or None,
            initial={"expires_at": timezone.localtime() + timezone.timedelta(days=7)},
        )
        if request.method == "POST" and form.is_valid():
            link = form.save(commit=False)
            link.release = release
            link.created_by = request.user
            link.save()
            self.message_user(
                request,
                f"Share link created; it works until {format_site_time(link.expires_at)}.",
            )
            return HttpResponseRedirect(request.path)
        links = [
            (link, request.build_absolute_uri(share_url(link)), format_site_time(link.expires_at))
            for link in release.share_links.select_related("created_by")
        ]
        return self._page(
            request,
            release,
            "share_links.html",
            title=f"Share links for “{release}”",
            form=form,
            links=links,
            now=timezone.now(),
        )

    def revoke_share_view(self, request, object_id, link_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        release = self._release_or_404(request, object_id)
        if not self.has_publish_permission(request):
            raise PermissionDenied
        link = get_object_or_404(ShareLink, pk=link_id, release=release)
        if link.revoked_at is None:
            link.revoked_at = timezone.now()
            link.save(update_fields=["revoked_at"])
        self.message_user(request, "The share link no longer works.")
        return HttpResponseRedirect(reverse("admin:newsroom_pressrelease_share", args=[release.pk]))


def _staff_json(data):
    response = JsonResponse(data)
    # Staff data: no shared cache, no browser cache.
    response["Cache-Control"] = "private, no-store"
    return response


def _messages(error):
    if isinstance(error, ValidationError):
        return error.messages
    return [str(error) or "You may not do that."]
