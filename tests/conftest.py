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


# Workflow fixtures


@pytest.fixture
def make_staff(db):
    """A staff account in the named group (``Editors`` or ``Contributors``)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    def make(username, group):
        user = get_user_model().objects.create_user(
            username=username, password="secret-pass-123", is_staff=True
        )
        user.groups.add(Group.objects.get(name=group))
        return get_user_model().objects.get(pk=user.pk)

    return make


@pytest.fixture
def editor(make_staff):
    return make_staff("editor", "Editors")


@pytest.fixture
def contributor(make_staff):
    return make_staff("contributor", "Contributors")


@pytest.fixture
def other_contributor(make_staff):
    return make_staff("other", "Contributors")
