"""The newsroom's domain (docs/architecture.md, "Domain").

- ``reference``: organisations, their relations, documents, people, offices and appointments;
- ``releases``: press releases with the visibility rule, their photos, participants and topics;
- ``topics``: the topics releases are filed under; ``languages``: names in each language;
- ``editorial``: the workflow's audit trail, working copies and share links.
"""

from .editorial import PressReleaseTransition, ShareLink, WorkingCopy
from .reference import (
    Appointment,
    DatePrecision,
    Document,
    Office,
    Organisation,
    OrganisationRelation,
    Person,
    format_partial_date,
)
from .releases import (
    Participant,
    Photo,
    PressRelease,
    PressReleaseQuerySet,
    PublicRecordProtected,
    StaleRelease,
    TaggedTopic,
    language_name,
)
from .topics import Topic

__all__ = [
    "Appointment",
    "DatePrecision",
    "Document",
    "Office",
    "Organisation",
    "OrganisationRelation",
    "Participant",
    "Person",
    "Photo",
    "PressRelease",
    "PressReleaseQuerySet",
    "PressReleaseTransition",
    "PublicRecordProtected",
    "ShareLink",
    "StaleRelease",
    "TaggedTopic",
    "Topic",
    "WorkingCopy",
    "format_partial_date",
    "language_name",
]
