import datetime

import pytest
from django.utils import timezone

from newsroom.models import Organisation, PressRelease

PAST = datetime.datetime(2024, 1, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def make_organisation(db):
    counter = iter(range(1, 1_000_000))

    def make(**overrides):
        number = next(counter)
        fields = {"name": f"Organisation {number}", "slug": f"organisation-{number}"}
        fields.update(overrides)
        return Organisation.objects.create(**fields)

    return make


@pytest.fixture
def make_release(db):
    """Create a release; ``status`` and dates may be overridden as the test needs."""
    counter = iter(range(1, 1_000_000))

    def make(**overrides):
        number = next(counter)
        fields = {
            "title": f"Release {number}",
            "slug": f"release-{number}",
            "lead": f"Lead of release {number}.",
            "body": f"<p>Body of release {number}.</p>",
            "dateline_place": "Qingdao",
            "dateline_date": datetime.date(2024, 1, 1),
            "status": PressRelease.Status.PUBLISHED,
            "publish_at": PAST,
        }
        fields.update(overrides)
        if fields["status"] == PressRelease.Status.PUBLISHED and fields["publish_at"]:
            fields.setdefault("first_published_at", min(fields["publish_at"], timezone.now()))
        return PressRelease.objects.create(**fields)

    return make
