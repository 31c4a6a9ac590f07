"""What the editorial layer announces, for the public site's cache to hear.

``public_content_changed``: something readers can see has changed (a public
release's content, a release going into or out of public view, a reference
record a public page shows). ``embargo_changed``: the time at which a
scheduled release goes public was set or moved; nothing public changed yet.
The editorial code never imports the site; the site connects its receivers in
``NewsroomConfig.ready``.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import Signal

from newsroom.models import (
    Appointment,
    Document,
    Office,
    Organisation,
    OrganisationRelation,
    Person,
    Topic,
)

public_content_changed = Signal()
embargo_changed = Signal()
# A workflow step was taken and committed: ``release``, ``step`` (its name, e.g.
# ``submit``), ``by`` (the user) and ``comment`` (as the audit trail records it).
# Sent once, after the commit, so receivers never act on a step that was rolled back.
step_taken = Signal()


def announce(signal, **kwargs):
    """Send ``signal`` now and again once the transaction commits.

    Now, so that the current process stops serving the old page; after the
    commit, so that a page built from the old rows while the transaction was
    open is not kept by another process.
    """
    signal.send(sender=None, **kwargs)
    transaction.on_commit(lambda: signal.send(sender=None, **kwargs))


# Reference records have no write path of their own: they are saved by the
# admin and by fixtures. Whether a change can be seen depends on the record
# being public before or after it, so both are looked at.

REFERENCE_MODELS = [Organisation, Document, Person]
# Records shown only through an organisation, person or document page.
DEPENDENT_MODELS = {
    Office: ("organisation",),
    Appointment: ("person", "office__organisation"),
    OrganisationRelation: ("organisation", "other"),
    Topic: (),
}


def _is_public(record):
    if record is None or record.pk is None:
        return False
    return type(record).objects.public().filter(pk=record.pk).exists()


def _shows_publicly(instance):
    """Whether a public page shows ``instance`` now."""
    model = type(instance)
    if model in REFERENCE_MODELS:
        return _is_public(instance)
    if model is Topic:
        from newsroom.models import PressRelease

        return PressRelease.objects.public().filter(tags=instance).exists()
    for path in DEPENDENT_MODELS[model]:
        record = instance
        for part in path.split("__"):
            record = getattr(record, part, None)
        if _is_public(record):
            return True
    return False


def _remember_visibility(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._was_shown_publicly = False
        return
    stored = sender._default_manager.filter(pk=instance.pk).first()
    instance._was_shown_publicly = stored is not None and _shows_publicly(stored)


def _announce_if_seen(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if getattr(instance, "_was_shown_publicly", False) or _shows_publicly(instance):
        announce(public_content_changed, record=instance)


def _announce_if_parties_seen(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and _is_public(instance):
        announce(public_content_changed, record=instance)


def connect():
    for model in [*REFERENCE_MODELS, *DEPENDENT_MODELS]:
        uid = f"newsroom-public-{model._meta.label_lower}"
        pre_save.connect(_remember_visibility, sender=model, dispatch_uid=f"{uid}-pre-save")
        post_save.connect(_announce_if_seen, sender=model, dispatch_uid=f"{uid}-save")
        pre_delete.connect(_remember_visibility, sender=model, dispatch_uid=f"{uid}-pre-delete")
        post_delete.connect(_announce_if_seen, sender=model, dispatch_uid=f"{uid}-delete")
    m2m_changed.connect(
        _announce_if_parties_seen,
        sender=Document.parties.through,
        dispatch_uid="newsroom-public-document-parties",
    )
