"""Release cards are rendered once per content version and language, and reused by every list."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from newsroom.editorial import editing
from newsroom.models import Organisation

pytestmark = pytest.mark.django_db


def built(client, url):
    """``url`` built now, with the page cache off and what pages share kept."""
    with override_settings(NEWSROOM_PAGE_CACHE=False), CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(context.captured_queries)


@pytest.fixture
def releases(public_world, make_release):
    return [public_world.attach(make_release(title=f"Card {number}")) for number in range(3)]


def test_a_list_whose_cards_were_rendered_reads_no_release_rows(client, releases):
    first, cold = built(client, "/news/")
    again, warm = built(client, "/news/")
    assert again == first
    # The page's keys and nothing else: no rows, organisations, topics or photos, and the
    # count and the filters are kept too.
    assert cold > 1
    assert warm == 1
    # Another list reuses the same cards.
    topic, _ = built(client, "/topics/shared-topic/")
    for release in releases:
        assert release.title in topic


def test_a_card_changes_at_once_with_its_release_or_an_organisation(client, releases, editor):
    built(client, "/news/")
    release = releases[0]
    release.title = "Card renamed"
    editing.save_release(release, by=editor)
    page, _ = built(client, "/news/")
    assert "Card renamed" in page and "Card 0" not in page
    organisation = Organisation.objects.get(slug="oot")
    organisation.name = "Organisation Renamed"
    # Saving a record that public releases name announces a public change.
    organisation.save()
    page, _ = built(client, "/news/")
    assert "Organisation Renamed" in page


def test_each_language_has_its_own_card(client, releases):
    english, _ = built(client, "/news/")
    russian, _ = built(client, "/ru/news/")
    assert 'href="/news/' in english and 'href="/ru/news/' in russian
    assert "Press release" in english and "Press release" not in russian


def test_search_results_keep_their_highlights(client, releases):
    built(client, "/news/")
    page, _ = built(client, "/search/?q=card")
    assert "<mark>Card</mark>" in page
