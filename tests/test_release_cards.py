"""Release cards and API entries are made once and reused by every page: an API entry once
per content version, a card once per version of its release while no reference record
changes."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from newsroom.editorial import editing
from newsroom.editorial.signals import announce, public_content_changed
from newsroom.models import Organisation, PressRelease
from newsroom.templatetags import newsroom_cards

pytestmark = pytest.mark.django_db


def response_built(client, url, **extra):
    """The response to ``url`` built now, with the page cache off and what pages share
    kept, and the number of queries it took."""
    with override_settings(NEWSROOM_PAGE_CACHE=False), CaptureQueriesContext(connection) as context:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return response, len(context.captured_queries)


def built(client, url):
    response, queries = response_built(client, url)
    return response.content.decode(), queries


def built_json(client, url, **extra):
    response, queries = response_built(client, url, **extra)
    return response.json(), queries


@pytest.fixture
def releases(public_world, make_release):
    return [public_world.attach(make_release(title=f"Card {number}")) for number in range(3)]


def built_twice(client, url, read):
    """``url`` built twice: the same, and the second time from what was kept, reading the
    keys of its releases and nothing else (no rows, organisations, topics or photos; the
    count and the filters are kept too)."""
    first, cold = read(client, url)
    again, warm = read(client, url)
    assert again == first
    assert cold > 1
    assert warm == 1
    return first


def test_a_list_whose_cards_were_rendered_reads_no_release_rows(client, releases):
    built_twice(client, "/news/", built)
    # Another list reuses the same cards.
    topic, _ = built(client, "/topics/shared-topic/")
    for release in releases:
        assert release.title in topic


def renamed_after_building(client, url, read, release, title, editor):
    """``url`` as built again once ``release``, shown there, is saved with ``title``."""
    read(client, url)
    release.title = title
    editing.save_release(release, by=editor)
    return read(client, url)[0]


def test_a_card_changes_at_once_with_its_release_or_an_organisation(client, releases, editor):
    page = renamed_after_building(client, "/news/", built, releases[0], "Card renamed", editor)
    assert "Card renamed" in page and "Card 0" not in page
    organisation = Organisation.objects.get(slug="oot")
    organisation.name = "Organisation Renamed"
    # Saving a record that public releases name announces a public change.
    organisation.save()
    page, _ = built(client, "/news/")
    assert "Organisation Renamed" in page


@pytest.fixture
def rendered(monkeypatch):
    """The titles of the releases whose cards are rendered, in the order rendered."""
    titles = []
    render = newsroom_cards._render

    def counted(release, terms):
        titles.append(release.title)
        return render(release, terms)

    monkeypatch.setattr(newsroom_cards, "_render", counted)
    return titles


def test_a_change_of_one_release_renders_its_card_alone(
    client, releases, public_world, make_release, editor, rendered
):
    built(client, "/news/")
    assert sorted(rendered) == ["Card 0", "Card 1", "Card 2"]
    rendered.clear()
    page = renamed_after_building(client, "/news/", built, releases[1], "Card edited", editor)
    assert rendered == ["Card edited"]
    assert "Card edited" in page and "Card 0" in page and "Card 2" in page

    rendered.clear()
    new = make_release(title="Card published", status="in_review", publish_at=None)
    new.organisations.add(public_world.organisation)
    editing.take_step(new, "publish", editor)
    page, _ = built(client, "/news/")
    assert rendered == ["Card published"]
    assert "Card published" in page and "Card edited" in page


def test_a_change_of_a_record_or_one_naming_nothing_renders_every_card(client, releases, rendered):
    built(client, "/news/")
    rendered.clear()
    organisation = Organisation.objects.get(slug="oot")
    organisation.short_name = "OOT, renamed"
    organisation.save()
    built(client, "/news/")
    assert sorted(rendered) == ["Card 0", "Card 1", "Card 2"]

    # A writer that names nothing (a restore) may put back an earlier row, version and all.
    rendered.clear()
    PressRelease.objects.filter(pk=releases[0].pk).update(title="Card restored")
    announce(public_content_changed)
    page, _ = built(client, "/news/")
    assert sorted(rendered) == ["Card 1", "Card 2", "Card restored"]
    assert "Card restored" in page and "Card 0" not in page


def test_each_language_has_its_own_card(client, releases):
    english, _ = built(client, "/news/")
    russian, _ = built(client, "/ru/news/")
    assert 'href="/news/' in english and 'href="/ru/news/' in russian
    assert "Press release" in english and "Press release" not in russian


def test_search_results_keep_their_highlights(client, releases):
    built(client, "/news/")
    page, _ = built(client, "/search/?q=card")
    assert "<mark>Card</mark>" in page


def test_an_api_page_whose_entries_were_made_reads_no_release_rows(client, releases):
    first = built_twice(client, "/api/releases/", built_json)
    # An entry's own page reuses the entry the list made.
    entry, queries = built_json(client, f"/api/releases/{releases[0].slug}/")
    assert entry == next(item for item in first["results"] if item["slug"] == releases[0].slug)
    assert queries == 1


def test_an_api_entry_changes_at_once_with_its_release(client, releases, editor):
    release = releases[0]
    listed = renamed_after_building(
        client, "/api/releases/", built_json, release, "Entry renamed", editor
    )
    assert "Entry renamed" in [item["title"] for item in listed["results"]]
    entry, _ = built_json(client, f"/api/releases/{release.slug}/")
    assert entry["title"] == "Entry renamed"


def test_api_entries_carry_the_address_they_were_asked_at(client, releases, settings):
    settings.ALLOWED_HOSTS = ["testserver", "news.example.org"]
    here, _ = built_json(client, "/api/releases/")
    there, _ = built_json(client, "/api/releases/", HTTP_HOST="news.example.org")
    assert here["results"][0]["url"].startswith("http://testserver/")
    assert there["results"][0]["url"].startswith("http://news.example.org/")
