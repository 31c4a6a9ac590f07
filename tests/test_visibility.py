import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from newsroom.models import PressRelease

pytestmark = pytest.mark.django_db

# Pages read the real clock, so the scheduled release lies ahead of it too.
NOW = timezone.now().replace(microsecond=0)
LATER = NOW + datetime.timedelta(hours=2)

Status = PressRelease.Status


@pytest.fixture
def releases(make_release):
    return {
        "published": make_release(
            status=Status.PUBLISHED, publish_at=NOW - datetime.timedelta(days=1)
        ),
        "draft": make_release(status=Status.DRAFT, publish_at=None),
        "in_review": make_release(status=Status.IN_REVIEW, publish_at=None),
        "scheduled": make_release(status=Status.PUBLISHED, publish_at=LATER),
        "withdrawn": make_release(
            status=Status.WITHDRAWN,
            publish_at=NOW - datetime.timedelta(days=3),
            first_published_at=NOW - datetime.timedelta(days=3),
            withdrawn_at=NOW - datetime.timedelta(days=2),
            withdrawal_reason="The figures were wrong.",
        ),
    }


def test_public_is_exactly_the_published_and_due_releases(releases):
    assert list(PressRelease.objects.public(now=NOW)) == [releases["published"]]


def test_scheduled_release_appears_when_its_time_comes(releases):
    scheduled = releases["scheduled"]
    assert not PressRelease.objects.public(now=LATER - datetime.timedelta(seconds=1)).filter(
        pk=scheduled.pk
    )
    assert PressRelease.objects.public(now=LATER).filter(pk=scheduled.pk).exists()
    assert scheduled.is_scheduled(now=NOW) and scheduled.is_public(now=LATER)


def test_default_manager_is_unfiltered(releases):
    assert PressRelease.objects.count() == len(releases)


@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled"])
def test_non_public_release_page_answers_404(client, releases, state):
    response = client.get(releases[state].get_absolute_url())
    assert response.status_code == 404


def test_withdrawn_release_that_was_public_answers_410_with_its_notice(client, releases):
    response = client.get(releases["withdrawn"].get_absolute_url())
    assert response.status_code == 410
    assert "The figures were wrong." in response.content.decode()


def test_withdrawn_release_never_published_answers_404(client, make_release):
    release = make_release(status=Status.WITHDRAWN, publish_at=None, first_published_at=None)
    assert client.get(release.get_absolute_url()).status_code == 404


def test_unknown_slug_answers_404(client, db):
    response = client.get(reverse("newsroom:release_detail", kwargs={"slug": "no-such-release"}))
    assert response.status_code == 404


def test_home_lists_only_public_releases(client, releases):
    content = client.get("/").content.decode()
    assert releases["published"].title in content
    for state in ["draft", "in_review", "scheduled", "withdrawn"]:
        assert f">{releases[state].title}<" not in content
