"""Public records as sets of ids, evaluated once per content version.

``Organisation.objects.public()`` and ``Document.objects.public()`` are the
rules and stay the only statements of them. A page that asks them of many rows
(an organisation's bodies, relations, parent and documents) would have the
database plan their correlated subqueries each time, which on PostgreSQL costs
more than running them; such a page reads the rules' evaluated results here and
filters by key. The set changes only with the public
content, and a new content version is started when it does.
"""

from newsroom.models import Document, Organisation

from .cache import for_content_version


def public_organisation_ids():
    """The ids of ``Organisation.objects.public()``, in order."""
    return for_content_version(
        "public-organisation-ids",
        lambda: list(Organisation.objects.public().order_by("pk").values_list("pk", flat=True)),
    )


def public_document_ids():
    """The ids of ``Document.objects.public()``, in order."""
    return for_content_version(
        "public-document-ids",
        lambda: list(Document.objects.public().order_by("pk").values_list("pk", flat=True)),
    )
