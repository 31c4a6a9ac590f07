"""Admin forms: the release editor with its workflow controls and lost-update guard."""

from dataclasses import dataclass

from django import forms
from django.contrib.admin import widgets
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_prose_editor.fields import ProseEditorFormField

from newsroom.models import PressRelease, ShareLink, StaleRelease
from newsroom.sanitize import clean_body_html

from . import editing, transitions
from .revisions import (
    COMPARED,
    diff_snapshots,
    snapshot_of_release,
    snapshot_of_saved_version,
    snapshot_of_values,
)

# The editor offers exactly what ``sanitize.ALLOWED_TAGS`` keeps, so nothing an
# editor formats disappears on save.
BODY_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "HardBreak": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
}


# The fields a conflict offers a choice for, by their label in the comparison; the
# snapshot's attributes are named as the form's fields. Participants are inline forms.
CONFLICT_FIELDS = {label: name for name, label in COMPARED if name != "participants"}
KEEP_MINE, KEEP_THEIRS = "mine", "theirs"
KEEP_CHOICES = [(KEEP_MINE, "Keep mine"), (KEEP_THEIRS, "Take theirs")]


@dataclass
class ConflictChoice:
    diff: object
    field: object

    @property
    def diffs(self):
        return [self.diff]


def site_time_zone_name():
    return timezone.get_current_timezone_name()


class PressReleaseAdminForm(forms.ModelForm):
    # The admin sets this per request so the form can check the workflow for the user.
    request = None

    body = ProseEditorFormField(
        extensions=BODY_EXTENSIONS,
        sanitize=clean_body_html,
        required=False,
        widget=widgets.AdminTextareaWidget,
        help_text="The text of the release. Headings, lists, links and tables are kept; "
        "pasted styles are removed on saving.",
    )
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    # The content version of the original whose changes the form showed: saving the
    # version brings it in step with that content.
    original_version_seen = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1
    )
    transition_comment = forms.CharField(
        label="Comment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Returning to draft: what the author should change. Withdrawing: the reason "
        "readers will see.",
    )
    schedule_at = forms.SplitDateTimeField(
        label="Publish at",
        required=False,
        widget=widgets.AdminSplitDateTime,
    )

    class Meta:
        model = PressRelease
        fields = [
            "kind",
            "title",
            "slug",
            "lead",
            "body",
            "dateline_place",
            "dateline_date",
            "language",
            "correction_note",
            "organisations",
            "documents",
            "tags",
        ]
        # One or two sentences: the box is sized for that, the body editor for the rest.
        widgets = {"lead": widgets.AdminTextareaWidget(attrs={"rows": 3})}
        help_texts = {
            "title": "The headline, as readers will see it.",
            "slug": "Filled in from the title; change it only before the first publication, "
            "because links to the release use it.",
            "dateline_date": "The day the news happened, as in “QINGDAO, 9 June 2018”.",
            "organisations": "The organisations the release is about; a release needs at least "
            "one before it can be published.",
            "documents": "Agreements and texts the release refers to; readers find links to them "
            "under the text.",
            "tags": "Topics, separated by commas. Each topic has its own page and feed.",
            "correction_note": "When you correct a published release, say here what changed; "
            "readers see it above the text and in the feeds. Leave empty for silent fixes "
            "such as typos.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        self.conflict_diff = []
        self.conflict_saved_by = ""
        # Choices made after a conflict come back with the next save.
        for name in CONFLICT_FIELDS.values():
            if self.add_prefix(f"keep_{name}") in self.data:
                self._add_choice(name)
        self.fields["schedule_at"].help_text = (
            f"In the site's time zone ({site_time_zone_name()}). Leave empty to publish now; "
            "a later time keeps the release under embargo until then."
        )
        if self.instance.pk is not None:
            self.fields["loaded_version"].initial = self.instance.version
            original = self.instance.translated_from
            if original is not None:
                self.fields["original_version_seen"].initial = original.content_version
        self._offer_missing_languages()

    def _offer_missing_languages(self):
        """A version's language is its own or one its group lacks: one version per language."""
        if self.instance.pk is None or "language" not in self.fields:
            return
        taken = set(
            self.instance.versions().exclude(pk=self.instance.pk).values_list("language", flat=True)
        )
        field = self.fields["language"]
        field.choices = [(code, name) for code, name in field.choices if code not in taken]

    @property
    def requested_group_step(self):
        """A step the editor asked to take on every version of the release together."""
        if not self.is_bound or self.instance.pk is None:
            return None
        return self.data.get("_group") or None

    @property
    def requested_transition(self):
        if not self.is_bound:
            return None
        return self.data.get("_transition") or None

    def _post_clean(self):
        super()._post_clean()
        if self.instance.pk is None:
            # The author of a new release is whoever adds it.
            self.instance.created_by = self.request.user if self.request else None
            self._check_transition()
            return
        loaded = self.cleaned_data.get("loaded_version")
        if loaded is None:
            self.add_error(None, "This page is out of date. Reload it and make your changes again.")
            return
        self.instance.version = loaded
        stored = PressRelease.objects.get(pk=self.instance.pk)
        if stored.version != loaded:
            self._show_conflict(stored)
            return
        self._take_theirs(stored)
        self._check_transition()

    def _show_conflict(self, stored):
        self.conflict = StaleRelease(stored)
        self.conflict_saved_by = self.conflict.saved_by
        self.add_error(
            None,
            f"{self.conflict.messages[0]} What you typed is kept below. Where the saved "
            "version differs, choose for each field whether to keep yours or take theirs, "
            "then save again.",
        )
        yours = snapshot_of_values(
            title=self.cleaned_data.get("title", ""),
            lead=self.cleaned_data.get("lead", ""),
            body=self.cleaned_data.get("body", ""),
            tags=self.cleaned_data.get("tags") or [],
            organisations=[str(o) for o in self.cleaned_data.get("organisations") or []],
        )
        # Having seen what differs, the editor saves again over the stored version.
        self.data = self.data.copy()
        self.data[self.add_prefix("loaded_version")] = stored.version
        theirs = snapshot_of_release(stored)
        loaded = snapshot_of_saved_version(stored, self.cleaned_data.get("loaded_version"))
        self.conflict_diff = []
        for diff in diff_snapshots(theirs, yours):
            # Participants live in inline forms, which the conflict does not compare.
            if diff.label in CONFLICT_FIELDS and diff.changed:
                name = CONFLICT_FIELDS[diff.label]
                # A field only they changed keeps their change unless the editor says otherwise.
                untouched = loaded is not None and getattr(loaded, name) == getattr(yours, name)
                self._add_choice(name)
                self.data[self.add_prefix(f"keep_{name}")] = KEEP_THEIRS if untouched else KEEP_MINE
                self.conflict_diff.append(diff)

    def _add_choice(self, name):
        self.fields[f"keep_{name}"] = forms.ChoiceField(
            choices=KEEP_CHOICES, widget=forms.RadioSelect, required=False, initial=KEEP_MINE
        )

    @property
    def conflict_choices(self):
        """Each field that differs from the saved version, with the choice of whose to keep."""
        return [
            ConflictChoice(diff, self[f"keep_{CONFLICT_FIELDS[diff.label]}"])
            for diff in self.conflict_diff
        ]

    def _take_theirs(self, stored):
        """Put the saved version's value into each field the editor chose to take from it."""
        for name in CONFLICT_FIELDS.values():
            if self.cleaned_data.get(f"keep_{name}") != KEEP_THEIRS:
                continue
            if name == "tags":
                self.cleaned_data["tags"] = [tag.name for tag in stored.tags.all()]
            elif name == "organisations":
                self.cleaned_data["organisations"] = list(stored.organisations.all())
            else:
                setattr(self.instance, name, getattr(stored, name))

    def _check_transition(self):
        if self.requested_group_step:
            self._check_group_step()
            return
        name = self.requested_transition
        if name is None:
            return
        user = self.request.user if self.request else None
        at = self.cleaned_data.get("schedule_at") if name == "publish" else None
        try:
            transitions.check(
                self.instance,
                name,
                user,
                comment=self.cleaned_data.get("transition_comment", ""),
                at=at,
            )
            if name == "publish":
                transitions.check_publishable(
                    self.instance, at=at, organisations=self.cleaned_data.get("organisations")
                )
        except PermissionDenied as error:
            self.add_error(None, str(error) or "You may not do that.")
        except ValidationError as error:
            field = "transition_comment" if error.code == "comment" else None
            self.add_error(field, error.messages)

    def _check_group_step(self):
        name = self.requested_group_step
        user = self.request.user if self.request else None
        comment = self.cleaned_data.get("transition_comment", "")
        transition = transitions.TRANSITIONS.get(name)
        if transition is not None and transition.comment_required and not comment.strip():
            self.add_error("transition_comment", transition.comment_required)
            return
        refusals = editing.group_refusals(
            self.instance,
            name,
            user,
            comment=comment,
            at=self.cleaned_data.get("schedule_at") if name == "publish" else None,
            organisations=self.cleaned_data.get("organisations"),
        )
        if refusals:
            past = transition.past if transition else "changed"
            self.add_error(None, [f"No version was {past}.", *refusals])


class AddTranslationForm(forms.Form):
    """The language of a new version: only those the release's group lacks."""

    language = forms.ChoiceField(
        help_text="The new version starts as a draft with the dateline, organisations, "
        "documents, topics, participants and photos of this one; its title, lead, text and "
        "photo captions are for you to write."
    )

    def __init__(self, *args, release, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = editing.missing_languages(release)


class ShareLinkForm(forms.ModelForm):
    expires_at = forms.SplitDateTimeField(widget=widgets.AdminSplitDateTime, label="Expires at")

    class Meta:
        model = ShareLink
        fields = ["expires_at", "note"]

    def __init__(self, *args, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()
        self.fields[
            "expires_at"
        ].help_text = (
            f"In the site's time zone ({site_time_zone_name()}). The link stops working then."
        )

    def clean_expires_at(self):
        value = self.cleaned_data["expires_at"]
        if value <= self.now:
            raise ValidationError("Choose a time in the future.")
        return value
