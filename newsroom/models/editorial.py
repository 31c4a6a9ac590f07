"""The editorial records of a release: its workflow steps, working copies and share links."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from newsroom.dates import format_site_time

from .releases import PressRelease


class PressReleaseTransition(models.Model):
    """One step of a release through the workflow: the audit trail."""

    release = models.ForeignKey(PressRelease, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=PressRelease.Status.choices)
    to_status = models.CharField(max_length=20, choices=PressRelease.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.release}: {self.from_status} → {self.to_status}"


class WorkingCopy(models.Model):
    """A draft made from an old revision of a published release.

    The live release stays as it is; publishing the draft puts its content
    onto the live release and removes the draft.
    """

    draft = models.OneToOneField(
        PressRelease, on_delete=models.CASCADE, related_name="working_copy_of"
    )
    live = models.ForeignKey(PressRelease, on_delete=models.CASCADE, related_name="working_copies")
    restored_from = models.DateTimeField(help_text="When the restored revision was saved.")

    def __str__(self):
        return f"Draft replacing {self.live}"


class ShareLink(models.Model):
    """A read-only preview of one release for a reviewer outside the office."""

    release = models.ForeignKey(PressRelease, on_delete=models.CASCADE, related_name="share_links")
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(help_text="The link stops working at this moment.")
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    note = models.CharField(
        max_length=200, blank=True, help_text="Who the link is for, e.g. “CSTO press office”."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Share link for {self.release} until {format_site_time(self.expires_at)}"

    def is_valid(self, now=None):
        """Not revoked, not expired, and its release not withdrawn."""
        now = now or timezone.now()
        return (
            self.revoked_at is None
            and self.expires_at > now
            and self.release.status != PressRelease.Status.WITHDRAWN
        )
