"""The workflow in one table, with the checks and the field changes of each step.

Nothing here writes to the database: ``editing.take_step`` locks the release,
calls ``check`` and ``apply`` and saves through the write path. ``scheduled``
stands for a published release whose time has not come, so it can still be
rescheduled or pulled back (docs/architecture.md, "Workflow").
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.html import strip_tags

from newsroom import permissions
from newsroom.dates import format_site_time
from newsroom.models import PressRelease

Status = PressRelease.Status


class TransitionNotAllowed(PermissionDenied):
    """The user may not make this transition."""


class TransitionInvalid(ValidationError):
    """The transition does not apply to the release as it stands."""


@dataclass(frozen=True)
class Transition:
    sources: tuple
    target: str
    permission: str
    label: str
    past: str
    # What an editor is told when a step that needs a comment gets none.
    comment_required: str = ""


TRANSITIONS = {
    "submit": Transition(
        ("draft",), Status.IN_REVIEW, permissions.CHANGE_RELEASE, "Submit for review",
        "submitted for review",
    ),
    "return_to_draft": Transition(
        ("in_review", "scheduled"), Status.DRAFT, permissions.PUBLISH_RELEASE, "Return to draft",
        "returned to draft", comment_required="Say what the author should change.",
    ),
    "publish": Transition(
        ("draft", "in_review", "scheduled"), Status.PUBLISHED, permissions.PUBLISH_RELEASE,
        "Publish", "published",
    ),
    "withdraw": Transition(
        ("scheduled", "published"), Status.WITHDRAWN, permissions.WITHDRAW_RELEASE, "Withdraw",
        "withdrawn", comment_required="Give the reason readers will see.",
    ),
    "restore_to_draft": Transition(
        ("withdrawn",), Status.DRAFT, permissions.WITHDRAW_RELEASE, "Restore to draft",
        "restored to draft",
    ),
}  # fmt: skip

REQUIRED_TO_PUBLISH = [
    ("title", "a title"),
    ("lead", "a lead"),
    ("body", "a body text"),
    ("dateline_place", "the place of the dateline"),
    ("dateline_date", "the date of the dateline"),
]


def is_reviewer(user):
    return user is not None and user.has_perm(permissions.PUBLISH_RELEASE)


def can_edit(release, user):
    """Editors edit everything; contributors their own drafts (also those returned to them)."""
    if user is None or not user.has_perm(permissions.CHANGE_RELEASE):
        return False
    if is_reviewer(user):
        return True
    return release.status == Status.DRAFT and (
        release.pk is None or release.created_by_id == user.pk
    )


def check(release, name, by, *, comment="", at=None, now=None):
    """Raise ``PermissionDenied`` or ``ValidationError`` unless ``by`` may take step ``name``.

    The content a publication needs is checked by ``check_publishable``, once
    the links being saved with the step are written.
    """
    now = now or timezone.now()
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise TransitionInvalid(f"“{name}” is not a step of the workflow.", code="unknown")
    if by is None or not by.has_perm(transition.permission):
        raise TransitionNotAllowed(f"You may not {transition.label.lower()} releases.")
    if name == "submit" and not is_reviewer(by) and release.created_by_id != by.pk:
        raise TransitionNotAllowed("You may only submit releases you wrote.")
    state = release.workflow_state(now=now)
    if state not in transition.sources:
        raise TransitionInvalid(
            f"A release that is {release.state_label(now=now)} cannot be {transition.past}.",
            code="state",
        )
    if at is not None and name != "publish":
        raise TransitionInvalid("Only a publication takes a time.", code="at")
    if transition.comment_required and not (comment or "").strip():
        raise TransitionInvalid(transition.comment_required, code="comment")


def check_publishable(release, *, at=None, now=None, organisations=None):
    """Raise ``TransitionInvalid`` naming what ``release`` lacks to be published at ``at``.

    ``organisations`` stands in for the stored ones when a form is about to
    change them together with the step.
    """
    now = now or timezone.now()
    missing = [
        label
        for field, label in REQUIRED_TO_PUBLISH
        if not (strip_tags(release.body).strip() if field == "body" else getattr(release, field))
    ]
    if organisations is None:
        organisations = release.organisations.all() if release.pk else []
    if not len(organisations):
        missing.append("at least one organisation")
    if missing:
        raise TransitionInvalid(
            f"To publish, the release needs {', '.join(missing)}.", code="incomplete"
        )
    if at is not None and at < now:
        raise TransitionInvalid(
            f"The publication time {format_site_time(at)} has passed; "
            "leave it empty to publish now.",
            code="past",
        )
    live = release.replaces()
    if live is not None and live.status == Status.WITHDRAWN:
        raise TransitionInvalid(
            "The release this draft replaces is withdrawn; restore it to draft first.",
            code="withdrawn",
        )


def allowed(release, user, now=None):
    """The steps ``user`` may start on ``release`` now, for buttons and actions."""
    names = []
    for name, transition in TRANSITIONS.items():
        try:
            check(release, name, user, comment="-" if transition.comment_required else "", now=now)
        except (PermissionDenied, ValidationError):
            continue
        names.append(name)
    return names


def apply(release, name, *, comment="", at=None, now):
    """Change ``release``'s fields as step ``name`` does; return the comment to record."""
    state = release.workflow_state(now=now)
    recorded = comment
    if name == "publish":
        when = at or now
        if state == "scheduled":
            recorded = " ".join(
                filter(
                    None,
                    [
                        f"Rescheduled from {format_site_time(release.publish_at)} "
                        f"to {format_site_time(when)}.",
                        comment,
                    ],
                )
            )
        release.publish_at = when
        release.withdrawal_reason = ""
        release.withdrawn_at = None
        if release.first_published_at is None or release.first_published_at > now:
            release.first_published_at = when
    elif name == "return_to_draft":
        release.publish_at = None
        _forget_unseen_publication(release, now)
    elif name == "withdraw":
        if release.is_public(now=now):
            # Readers saw this: the withdrawal notice keeps exactly that.
            release.public_title = release.title
            release.public_lead = release.lead
            release.public_at = release.publish_at
        _forget_unseen_publication(release, now)
        release.withdrawal_reason = comment.strip()
        release.withdrawn_at = now
    elif name == "restore_to_draft":
        # Publishing again is a new publication; the notice of the last one stays.
        release.publish_at = None
        release.first_published_at = None
        release.withdrawal_reason = ""
        release.withdrawn_at = None
    release.status = TRANSITIONS[name].target
    return recorded


def _forget_unseen_publication(release, now):
    # A scheduled release taken back before its time was never public.
    if release.first_published_at and release.first_published_at > now:
        release.first_published_at = None
