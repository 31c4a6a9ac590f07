"""Importing documents and suggesting links from the release admin.

``ImportDocumentsAdminMixin`` adds two views to a ``ModelAdmin`` for
``PressRelease``: an upload that runs the same importer as
``manage.py import_documents`` and shows the same report, and "suggest links"
for one release, which runs the same recogniser over its text and lets the
editor add the organisations and participants it finds.
"""

import html

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import strip_tags

from newsroom import permissions
from newsroom.editorial import editing
from newsroom.importing.parser import max_document_bytes
from newsroom.importing.recogniser import Recogniser
from newsroom.importing.service import DocumentImporter, upload_source
from newsroom.models import PressRelease


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        # No file at all still goes through clean() once, so "required" is enforced.
        files = (data if isinstance(data, list | tuple) else [data]) or [None]
        return [super(MultipleFileField, self).clean(file, initial) for file in files]


class ImportDocumentsForm(forms.Form):
    # Empty files pass the form so that the importer reports them like the command does.
    documents = MultipleFileField(
        allow_empty_file=True,
        help_text="One or more .txt documents: a title line, then paragraphs.",
    )
    language = forms.ChoiceField(
        choices=[("", "Detect from the text"), *settings.LANGUAGES], required=False
    )
    update = forms.BooleanField(
        required=False,
        help_text="Replace the text and links of drafts imported before from the same document.",
    )
    dry_run = forms.BooleanField(
        required=False, label="Dry run", help_text="Show what would be done; write nothing."
    )


def counted(items, noun):
    """“1 organisation”, “2 organisations”."""
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


def participant_key(link):
    return f"{link.person.pk if link.person else ''}:{link.office.pk if link.office else ''}"


class SuggestLinksForm(forms.Form):
    organisations = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Organisations to link"
    )
    participants = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Participants to add"
    )

    def __init__(self, *args, organisations, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_choices = {str(o.pk): o for o in organisations}
        self.participant_choices = {participant_key(link): link for link in participants}
        self.fields["organisations"].choices = [
            (k, o.name) for k, o in self.organisation_choices.items()
        ]
        self.fields["participants"].choices = [
            (key, f"{link} — {link.role_label}") for key, link in self.participant_choices.items()
        ]
        # Everything found is proposed; the editor unticks what is wrong.
        self.fields["organisations"].initial = list(self.organisation_choices)
        self.fields["participants"].initial = list(self.participant_choices)


def suggestions_for(release):
    """What the recogniser finds in ``release`` that it does not link yet."""
    text = "\n\n".join([release.title, release.lead, html.unescape(strip_tags(release.body))])
    recognition = Recogniser.from_database().recognise(text, on=release.dateline_date)
    linked = set(release.organisations.all())
    present = {
        (p.person, p.office) for p in release.participants.select_related("person", "office")
    }
    offices_present = {office for _person, office in present if office is not None}
    organisations = [o for o in recognition.organisations if o not in linked]
    participants = [
        link
        for link in recognition.participants
        if (link.person, link.office) not in present
        and not (link.person is None and link.office in offices_present)
    ]
    return organisations, participants, recognition.suggestions


class ImportDocumentsAdminMixin:
    """Adds "Import documents" and "Suggest links" to the release admin."""

    import_documents_template = "admin/newsroom/pressrelease/import_documents.html"
    suggest_links_template = "admin/newsroom/pressrelease/suggest_links.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_documents_view),
                name="{}_{}_import_documents".format(*info),
            ),
            path(
                "<path:object_id>/suggest-links/",
                self.admin_site.admin_view(self.suggest_links_view),
                name="{}_{}_suggest_links".format(*info),
            ),
            *super().get_urls(),
        ]

    def has_import_permission(self, request):
        """Bulk imports are an editor's task: they need add and publish permission."""
        return request.user.has_perms(permissions.IMPORT_RELEASES)

    def import_documents_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        posted = request.method == "POST"
        form = ImportDocumentsForm(*(request.POST, request.FILES) if posted else ())
        rows, summary = [], None
        if posted and form.is_valid():
            importer = DocumentImporter(
                update=form.cleaned_data["update"],
                dry_run=form.cleaned_data["dry_run"],
                language=form.cleaned_data["language"] or None,
                by=request.user,
            )
            summary = importer.summary()
            results = []
            for result in importer.import_all(map(upload_source, form.cleaned_data["documents"])):
                summary.add(result)
                results.append(result)
            ids = dict(
                PressRelease.objects.filter(slug__in=[r.slug for r in results]).values_list(
                    "slug", "pk"
                )
            )
            rows = [
                (result, self._change_url(ids[result.slug]) if result.slug in ids else None)
                for result in results
            ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import documents",
            "form": form,
            "rows": rows,
            "summary_lines": list(summary.lines()) if summary else [],
            "max_bytes": max_document_bytes(),
        }
        return TemplateResponse(request, self.import_documents_template, context)

    def _change_url(self, pk):
        info = self.opts.app_label, self.opts.model_name
        return reverse(
            "admin:{}_{}_change".format(*info), args=[pk], current_app=self.admin_site.name
        )

    def suggest_links_view(self, request, object_id):
        release = self.get_object(request, unquote(object_id))
        if release is None:
            raise Http404("No release with this id.")
        if not self.has_change_permission(request, release):
            raise PermissionDenied
        organisations, participants, unknown = suggestions_for(release)
        posted = request.method == "POST"
        form = SuggestLinksForm(
            request.POST if posted else None, organisations=organisations, participants=participants
        )
        if posted and form.is_valid():
            added = self._add_links(release, form, request.user)
            self.log_change(request, release, f"Added suggested links: {added}.")
            messages.success(request, f"Added {added}.")
            return HttpResponseRedirect(self._change_url(release.pk))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": release,
            "title": f"Suggest links for “{release}”",
            "form": form,
            "unknown_names": unknown,
            "change_url": self._change_url(release.pk),
        }
        return TemplateResponse(request, self.suggest_links_template, context)

    def _add_links(self, release, form, by):
        organisations = [form.organisation_choices[k] for k in form.cleaned_data["organisations"]]
        links = [form.participant_choices[k] for k in form.cleaned_data["participants"]]
        added = f"{counted(organisations, 'organisation')} and {counted(links, 'participant')}"
        editing.save_release(
            release,
            by=by,
            comment=f"Added suggested links: {added}.",
            links=[editing.add_organisations(organisations), editing.add_participants(links)],
        )
        return added
