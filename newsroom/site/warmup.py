"""Warm the page cache after a publication, so the first readers do not wait for it.

When the editorial layer announces that something readers can see changed because
of a release, a background task asks the site for the home page in each language and
for the release's own page, as a reader at ``SITE_URL`` would: through the real views,
middleware and page cache (``newsroom.site.cache``), which keeps what they answer.
Only the announcement made after the commit counts: one made inside the transaction
would cache pages built from rows that may yet be rolled back.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from newsroom.editorial.signals import public_content_changed
from newsroom.models import PressRelease


def warm_paths(release_id=None):
    """The home page in every language, and the release's page while it is public."""
    paths = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            paths.append(reverse("newsroom:home"))
    release = PressRelease.objects.public().filter(pk=release_id).first() if release_id else None
    if release is not None:
        paths.append(release.get_canonical_url())
    return paths


@task()
def warm_up_pages(release_id=None):
    """Fetch the pages ``warm_paths`` names; returns each path's status code."""
    if not settings.SITE_URL:
        # Cached pages are kept per host: without the public one there is nothing to warm.
        return {}
    site = urlsplit(settings.SITE_URL)
    client = Client(HTTP_HOST=site.netloc, raise_request_exception=False)
    return {
        path: client.get(path, secure=site.scheme == "https").status_code
        for path in warm_paths(release_id)
    }


def _public_content_changed(sender, release=None, **kwargs):
    if release is None or transaction.get_connection().in_atomic_block:
        return
    warm_up_pages.enqueue(release.pk)


def connect():
    public_content_changed.connect(_public_content_changed, dispatch_uid="newsroom-warm-up")
