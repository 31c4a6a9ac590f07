"""Move the public pages to a new cache version whenever their content changes."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from taggit.models import Tag, TaggedItem

from . import models
from .cache import invalidate_public_pages

WATCHED = [
    models.PressRelease,
    models.Photo,
    models.Participant,
    models.Organisation,
    models.OrganisationRelation,
    models.Document,
    models.Person,
    models.Office,
    models.Appointment,
    Tag,
    TaggedItem,
]
WATCHED_M2M = [
    models.PressRelease.organisations.through,
    models.PressRelease.documents.through,
    models.Document.parties.through,
]


def content_changed(sender, **kwargs):
    # Renew now, and again after commit, so that a page rendered from the old
    # data while the transaction was open is not kept.
    invalidate_public_pages()
    transaction.on_commit(invalidate_public_pages)


def connect():
    for model in WATCHED:
        post_save.connect(content_changed, sender=model, dispatch_uid=f"public-cache-save-{model}")
        post_delete.connect(
            content_changed, sender=model, dispatch_uid=f"public-cache-delete-{model}"
        )
    for through in WATCHED_M2M:
        m2m_changed.connect(content_changed, sender=through, dispatch_uid=f"public-cache-{through}")
