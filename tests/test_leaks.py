"""No public URL shows anything of a release the public may not see, until it may."""

import datetime
from unittest import mock

import pytest
from django.utils import timezone

from newsroom.models import PressRelease

pytestmark = pytest.mark.django_db

Status = PressRelease.Status
NOW = timezone.now().replace(microsecond=0)
LATER = NOW + datetime.timedelta(hours=2)

# One unique word per hidden state; it is in the title, lead, body, slug, topic and photo.
MARKERS = {
    "draft": "zanzibarquill",
    "in_review": "oboeflange",
    "scheduled": "quetzalmoss",
    "withdrawn": "tundrawick",
}
STATES = {
    "draft": {"status": Status.DRAFT, "publish_at": None},
    "in_review": {"status": Status.IN_REVIEW, "publish_at": None},
    "scheduled": {"status": Status.PUBLISHED, "publish_at": LATER},
    "withdrawn": {
        "status": Status.WITHDRAWN,
        "publish_at": NOW - datetime.timedelta(days=3),
        "first_published_at": NOW - datetime.timedelta(days=3),
        "withdrawn_at": NOW - datetime.timedelta(days=1),
        "public_title": "Public title tundrawick",
        "public_lead": "Public lead tundrawick.",
        "public_at": NOW - datetime.timedelta(days=3),
    },
}


@pytest.fixture
def hidden(public_world, make_release):
    public_world.attach(
        make_release(
            title="Visible release",
            slug="visible-release",
            # Dated and published now, so that it is in this month's archive, which the
            # matrix visits; the hidden releases carry the same dateline date.
            publish_at=NOW - datetime.timedelta(seconds=1),
            dateline_date=NOW.date(),
        )
    )
    releases = {}
    for state, marker in MARKERS.items():
        releases[state] = public_world.attach(
            make_release(
                title=f"Release {marker}",
                slug=f"release-{marker}",
                lead=f"Lead {marker}.",
                body=f"<p>Body {marker}.</p>",
                dateline_date=NOW.date(),
                **STATES[state],
            ),
            f"topic {marker}",
        )
    return releases


def public_urls(markers):
    urls = [
        "/",
        "/ru/",
        "/zh-hans/",
        "/news/",
        "/news/?topic=shared-topic",
        "/news/?organisation=oot",
        f"/news/{NOW.year}/",
        f"/news/{NOW:%Y}/{NOW:%m}/",
        "/news/visible-release/",
        "/topics/shared-topic/",
        "/organisations/",
        "/organisations/oot/",
        "/people/ada-holder/",
        "/documents/memorandum/",
        "/search/?q=release",
        "/search/?q=lead",
        "/feeds/news.rss",
        "/feeds/news.atom",
        "/feeds/topics/shared-topic.rss",
        "/feeds/topics/shared-topic.atom",
        "/feeds/organisations/oot.rss",
        "/feeds/organisations/oot.atom",
        "/sitemap.xml",
        "/api/releases/",
        "/api/releases/?topic=shared-topic",
        "/api/releases/?organisation=oot",
        "/api/organisations/",
    ]
    for marker in markers:
        urls += [f"/search/?q={marker}", f"/api/releases/?q={marker}"]
    return urls


def page_text(client, url):
    response = client.get(url)
    text = response.content.decode().lower()
    if url.startswith("/search/"):
        # The search page repeats the query in its title, form and language links:
        # look at the results only.
        text = text.split('class="result-count"', 1)[1].split("</main>", 1)[0]
    return response.status_code, text


def test_no_public_url_shows_a_hidden_release(client, hidden):
    for url in public_urls(MARKERS.values()):
        status, text = page_text(client, url)
        assert status == 200, url
        for state, marker in MARKERS.items():
            assert marker not in text, f"{state} release leaks on {url}"


@pytest.mark.parametrize("state", MARKERS)
def test_hidden_release_own_urls_answer_404_or_410(client, hidden, state):
    marker = MARKERS[state]
    expected = 410 if state == "withdrawn" else 404
    assert client.get(f"/news/release-{marker}/").status_code == expected
    assert client.get(f"/api/releases/release-{marker}/").status_code == expected
    urls = [f"/topics/topic-{marker}/", f"/feeds/topics/topic-{marker}.rss"]
    if state != "withdrawn":
        urls.append(f"/api/releases/release-{marker}/")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert marker not in response.content.decode().replace(f"release-{marker}", "")


def test_withdrawn_release_in_the_api_shows_only_the_public_record(client, hidden):
    response = client.get("/api/releases/release-tundrawick/")
    assert response.status_code == 410
    data = response.json()
    assert data["title"] == "Public title tundrawick"
    text = response.content.decode()
    assert "Release tundrawick" not in text and "Lead tundrawick." not in text
    assert "Body tundrawick" not in text and "photos/" not in text


def test_withdrawn_page_shows_the_notice_and_only_the_public_record(client, hidden):
    text = client.get("/news/release-tundrawick/").content.decode()
    assert "withdrawn" in text.lower()
    assert "Public title tundrawick" in text and "Public lead tundrawick." in text
    # The row's own title and lead were written after; the body and photos never show.
    assert "Release tundrawick" not in text and "Lead tundrawick." not in text
    assert "Body tundrawick" not in text
    assert "photos/release-tundrawick" not in text


def test_hidden_releases_appear_once_published_or_due(client, hidden):
    for state in ["draft", "in_review", "withdrawn"]:
        PressRelease.objects.filter(pk=hidden[state].pk).update(
            status=Status.PUBLISHED, publish_at=NOW - datetime.timedelta(minutes=5)
        )
    # The scheduled release needs no change at all: its time comes.
    with mock.patch("django.utils.timezone.now", return_value=LATER + datetime.timedelta(1)):
        for url in [
            "/",
            "/news/",
            "/topics/shared-topic/",
            "/organisations/oot/",
            "/people/ada-holder/",
            "/documents/memorandum/",
            "/feeds/news.rss",
            "/feeds/news.atom",
            "/feeds/organisations/oot.rss",
            "/sitemap.xml",
            "/api/releases/",
        ]:
            status, text = page_text(client, url)
            assert status == 200
            for state, marker in MARKERS.items():
                assert marker in text, f"{state} release missing from {url} once public"
        for marker in MARKERS.values():
            assert marker in page_text(client, f"/search/?q={marker}")[1]
            assert client.get(f"/api/releases/release-{marker}/").status_code == 200
            assert client.get(f"/news/release-{marker}/").status_code == 200
            assert client.get(f"/topics/topic-{marker}/").status_code == 200
