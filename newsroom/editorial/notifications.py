"""E-mail that keeps the workflow moving (docs/architecture.md, "Workflow").

Editors (everyone who may publish) hear of a release submitted for review; its author
hears when it is returned, with the editor's comment, and when it is published or
scheduled. Nobody is told of their own step. The mail is sent by a background task
once the step is committed (``step_taken``), so a slow mail server never holds up the
editor and a step that was rolled back sends nothing.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.urls import reverse
from django_tasks import task

from newsroom.dates import format_site_time
from newsroom.models import PressRelease
from newsroom.permissions import PUBLISH_RELEASE

from .signals import step_taken

NOTIFIED_STEPS = ("submit", "return_to_draft", "publish")


def editors():
    """Active users who may publish, with an address: those who review submissions."""
    app_label, codename = PUBLISH_RELEASE.split(".")
    permission = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).first()
    may_publish = Q(is_superuser=True)
    if permission is not None:
        may_publish |= Q(groups__permissions=permission) | Q(user_permissions=permission)
    return (
        get_user_model()
        .objects.filter(may_publish, is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def _absolute(path):
    # Without SITE_URL (development) the address stays relative to the site.
    return f"{settings.SITE_URL}{path}"


def _name(user):
    if user is None:
        return "Someone"
    return user.get_full_name() or user.get_username()


def _message(release, step, by, comment, now=None):
    """``(subject, body)`` of the mail about ``step``."""
    edit_url = _absolute(reverse("admin:newsroom_pressrelease_change", args=[release.pk]))
    if step == "submit":
        subject = f"For review: {release.title}"
        lines = [f"{_name(by)} submitted “{release.title}” for review."]
        if comment:
            lines += ["", comment]
        lines += ["", f"Review it: {edit_url}"]
    elif step == "return_to_draft":
        subject = f"Returned to you: {release.title}"
        lines = [
            f"{_name(by)} returned “{release.title}” to you as a draft:",
            "",
            comment,
            "",
            f"Edit it: {edit_url}",
        ]
    else:
        if release.is_scheduled(now=now):
            subject = f"Scheduled: {release.title}"
            when = f"scheduled it to appear at {format_site_time(release.publish_at)}"
        else:
            subject = f"Published: {release.title}"
            when = "published it"
        lines = [f"{_name(by)} {when}: “{release.title}”."]
        if comment:
            lines += ["", comment]
        lines += ["", f"On the site: {_absolute(release.get_canonical_url())}"]
        lines += [f"In the office: {edit_url}"]
    return subject, "\n".join(lines) + "\n"


def recipients(release, step, by):
    """Who hears of ``step``: editors for a submission, else the release's author."""
    if step == "submit":
        users = list(editors())
    elif release.created_by is not None and release.created_by.is_active:
        users = [release.created_by] if release.created_by.email else []
    else:
        users = []
    return [user for user in users if by is None or user.pk != by.pk]


@task()
def send_workflow_mail(release_id, step, by_id, comment):
    """Send the mail about ``step`` on release ``release_id``; returns how many went out."""
    release = PressRelease.objects.select_related("created_by").filter(pk=release_id).first()
    if release is None or step not in NOTIFIED_STEPS:
        return 0
    by = get_user_model().objects.filter(pk=by_id).first() if by_id is not None else None
    subject, body = _message(release, step, by, comment)
    messages = [
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        for user in recipients(release, step, by)
    ]
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0


def _step_taken(sender, release, step, by=None, comment="", **kwargs):
    if step in NOTIFIED_STEPS:
        send_workflow_mail.enqueue(release.pk, step, getattr(by, "pk", None), comment)


def connect():
    step_taken.connect(_step_taken, dispatch_uid="newsroom-workflow-mail")
