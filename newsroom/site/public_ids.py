"""Public records as sets of ids, evaluated once per content version.

``Organisation.objects.public()`` and ``Document.objects.public()`` are the
rules and stay the only statements of them. A page that asks them of many rows
(an organisation's bodies, relations, parent and documents) would have the
database plan their correlated subqueries each time, which on PostgreSQL costs
more than running them; such a page reads the rules' evaluated results here and
filters by key. The set changes only with the public
content, and a new content version is started when it does.
"""

from django.utils import timezone

from newsroom.models import Document, Organisation, PressRelease
from newsroom.models.statements import Statement

from .cache import for_content_version

# The keys of the public organisations, or of those among ``keys``, by the rule's generic
# plan: PostgreSQL, left to choose, went on planning the rule anew on each run, which
# took ten times as long as running it.
PUBLIC_ORGANISATION_KEYS = Statement(
    lambda now, keys: (
        Organisation.objects.public(now=now)
        .filter(**({} if keys is None else {"pk__in": keys}))
        .order_by("pk")
        .values_list("pk", flat=True)
    ),
    now=PressRelease._meta.get_field("publish_at"),
    keys=Organisation._meta.pk,
    generic=True,
)


def public_organisation_ids():
    """The ids of ``Organisation.objects.public()``, in order."""
    return for_content_version(
        "public-organisation-ids",
        lambda: PUBLIC_ORGANISATION_KEYS.rows(now=timezone.now(), keys=None),
    )


def public_organisations_among(keys, now):
    """Those of the organisations ``keys`` that are public at ``now``, in order."""
    if not keys:
        return []
    return PUBLIC_ORGANISATION_KEYS.rows(now=now, keys=sorted(keys))


def public_document_ids():
    """The ids of ``Document.objects.public()``, in order."""
    return for_content_version(
        "public-document-ids",
        lambda: list(Document.objects.public().order_by("pk").values_list("pk", flat=True)),
    )
