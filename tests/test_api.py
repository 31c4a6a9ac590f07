"""The read-only JSON API, exactly as docs/architecture.md describes it."""

import datetime
import io
import re
import uuid

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from newsroom.models import Photo, PressRelease

pytestmark = pytest.mark.django_db

RELEASE_FIELDS = {
    "slug", "url", "kind", "title", "lead", "body_html", "language", "dateline_place",
    "dateline_date", "published_at", "updated_at", "correction_note", "tags", "organisations",
    "participants", "photos", "documents", "translations",
}  # fmt: skip


def get_json(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, url
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.json()


def test_release_list_shape_and_fields(client, public_world, make_release):
    group = uuid.uuid4()
    release = public_world.attach(make_release(translation_group=group), "youth")
    make_release(translation_group=group, language="ru", title="Встреча")
    data = get_json(client, "/api/releases/")
    assert set(data) == {"count", "next", "results"}
    assert data["count"] == 2 and data["next"] is None
    item = next(r for r in data["results"] if r["slug"] == release.slug)
    assert set(item) == RELEASE_FIELDS
    assert item["url"] == f"http://testserver/news/{release.slug}/"
    assert item["kind"] == "press_release"
    assert item["body_html"] == release.body
    assert item["dateline_place"] == "Qingdao"
    assert item["dateline_date"] == "2024-01-01"
    assert datetime.datetime.fromisoformat(item["published_at"]) == release.publish_at
    assert datetime.datetime.fromisoformat(item["updated_at"])
    assert sorted(item["tags"]) == ["shared topic", "youth"]
    assert item["organisations"] == [
        {"slug": "oot", "name": "Organisation of Tests", "short_name": "OOT"}
    ]
    # The office given without a person is shown with the person who held it then.
    assert (
        item["participants"]
        == [
            {
                "name": "Ada Holder",
                "office": "Secretary-General",
                "organisation": "Organisation of Tests",
                "role": "participant",
            }
        ]
        * 2
    )
    assert item["translations"] == [
        {"language": "ru", "url": "http://testserver/ru/news/release-2/"}
    ]
    assert item["correction_note"] is None
    assert item["documents"] == [
        {
            "slug": "memorandum",
            "title": "Memorandum of Tests",
            "url": "http://testserver/documents/memorandum/",
        }
    ]
    # The fixture's photo names a file that is not there: no rendition, so no address
    # (readers never get the original) and no size.
    assert item["photos"] == [
        {
            "url": None,
            "caption": f"Caption of {release.title}",
            "credit": "",
            "alt_text": f"Photo of {release.title}",
            "width": None,
            "height": None,
        }
    ]


def test_list_is_newest_first_paginated_with_absolute_next(client, make_release):
    for number in range(25):
        make_release(
            publish_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
            + datetime.timedelta(hours=number)
        )
    data = get_json(client, "/api/releases/")
    assert data["count"] == 25 and len(data["results"]) == 20
    assert data["results"][0]["slug"] == "release-25"
    assert data["next"] == "http://testserver/api/releases/?page=2"
    second = get_json(client, "/api/releases/", page=2)
    assert [r["slug"] for r in second["results"]] == [f"release-{n}" for n in range(5, 0, -1)]
    assert second["next"] is None


@pytest.mark.parametrize("page", ["0", "3", "-1", "x", "1.5", "99999999999999999999"])
def test_bad_page_answers_404_in_json(client, make_release, page):
    make_release()
    data = get_json(client, "/api/releases/", status=404, page=page)
    assert "detail" in data


def test_filters_by_topic_organisation_and_query(client, public_world, make_release):
    tagged = public_world.attach(make_release(title="Youth appeal"), "youth")
    make_release(title="Trade figures")
    assert [r["slug"] for r in get_json(client, "/api/releases/", topic="youth")["results"]] == [
        tagged.slug
    ]
    assert [
        r["slug"] for r in get_json(client, "/api/releases/", organisation="oot")["results"]
    ] == [tagged.slug]
    assert [r["slug"] for r in get_json(client, "/api/releases/", q="trade")["results"]] == [
        "release-2"
    ]
    assert get_json(client, "/api/releases/", topic="nothing")["count"] == 0
    assert get_json(client, "/api/releases/", organisation="nothing")["count"] == 0
    assert get_json(client, "/api/releases/", q="***")["count"] == 0
    assert get_json(client, "/api/releases/", topic="\x00", organisation="a\x00")["count"] == 0


def test_only_public_releases_are_listed_or_served(client, make_release):
    public = make_release()
    draft = make_release(status=PressRelease.Status.DRAFT, publish_at=None)
    scheduled = make_release(publish_at=datetime.datetime(2999, 1, 1, tzinfo=datetime.UTC))
    assert [r["slug"] for r in get_json(client, "/api/releases/")["results"]] == [public.slug]
    assert get_json(client, f"/api/releases/{public.slug}/")["title"] == public.title
    for hidden in (draft, scheduled):
        assert get_json(client, f"/api/releases/{hidden.slug}/", status=404) == {
            "detail": "Not found."
        }


def test_organisations_endpoint_lists_the_public_organisations(
    client, make_organisation, make_release
):
    parent = make_organisation(
        name="Shanghai Cooperation Organisation", short_name="SCO", slug="sco"
    )
    body = make_organisation(
        name="SCO Secretariat", slug="sco-secretariat", parent=parent, kind="secretariat"
    )
    make_organisation(name="Named by nothing public", slug="unnamed")
    make_release().organisations.add(body)
    data = get_json(client, "/api/organisations/")
    # The body a public release names, and its parent with it.
    assert data["count"] == 2
    body = next(o for o in data["results"] if o["slug"] == "sco-secretariat")
    assert body["parent"] == "sco" and body["kind"] == "secretariat"
    assert body["url"] == "http://testserver/organisations/sco-secretariat/"


def test_api_is_read_only(client, make_release):
    release = make_release()
    assert client.post("/api/releases/", {}).status_code in {403, 405}
    assert client.delete(f"/api/releases/{release.slug}/").status_code in {403, 405}
    assert PressRelease.objects.filter(pk=release.pk).exists()


def test_photos_carry_absolute_url_credit_and_pixel_size(client, make_release, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    release = make_release()
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "navy").save(buffer, "PNG")
    for caption, order in [("Second", 1), ("First", 0)]:
        Photo.objects.create(
            release=release,
            image=ContentFile(buffer.getvalue(), name=f"meeting-{order}.png"),
            caption=caption,
            credit="Press office",
            alt_text=f"{caption} photo of the meeting",
            order=order,
        )
    photos = get_json(client, f"/api/releases/{release.slug}/")["photos"]
    assert [photo["caption"] for photo in photos] == ["First", "Second"]
    for photo in photos:
        # A rendition, never the original upload.
        assert photo["url"].startswith("http://testserver/media/photos/")
        assert re.search(r"\.(list|page)\.jpg$", photo["url"]), photo["url"]
        assert (photo["width"], photo["height"]) == (64, 48)
        assert photo["credit"] == "Press office"
        stored = photo["url"].removeprefix("http://testserver/media/")
        assert (tmp_path / stored).is_file()


def test_a_release_without_photos_documents_or_correction_says_so(client, make_release):
    release = make_release(correction_note="")
    item = get_json(client, f"/api/releases/{release.slug}/")
    assert item["photos"] == [] and item["documents"] == []
    assert item["correction_note"] is None


def test_correction_note_and_update_time_are_given(client, make_release):
    release = make_release(correction_note="The date of the meeting was wrong.")
    item = get_json(client, f"/api/releases/{release.slug}/")
    assert item["correction_note"] == "The date of the meeting was wrong."
    assert datetime.datetime.fromisoformat(item["updated_at"]) == release.updated_at


def test_withdrawn_release_that_was_public_answers_410_with_the_notice(client, make_release):
    withdrawn_at = datetime.datetime(2024, 2, 1, 12, 0, tzinfo=datetime.UTC)
    release = make_release(
        title="Text written after the withdrawal",
        public_title="The title readers saw",
        status=PressRelease.Status.WITHDRAWN,
        first_published_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
        withdrawn_at=withdrawn_at,
        withdrawal_reason="Issued in error.",
    )
    data = get_json(client, f"/api/releases/{release.slug}/", status=410)
    assert data == {
        "detail": "This release has been withdrawn.",
        "slug": release.slug,
        "title": "The title readers saw",
        "withdrawn_at": withdrawn_at.isoformat(),
        "reason": "Issued in error.",
    }
    assert release.slug not in str(get_json(client, "/api/releases/"))
    ru = get_json(client, f"/ru/api/releases/{release.slug}/", status=410)
    assert ru["detail"] == "Этот материал отозван."


def test_withdrawn_release_never_public_answers_404(client, make_release):
    # A scheduled release pulled before its time: readers never saw it.
    release = make_release(
        status=PressRelease.Status.WITHDRAWN,
        publish_at=datetime.datetime(2999, 1, 1, tzinfo=datetime.UTC),
        withdrawn_at=datetime.datetime(2024, 2, 1, tzinfo=datetime.UTC),
        withdrawal_reason="Not to be published.",
    )
    assert not release.was_public()
    data = get_json(client, f"/api/releases/{release.slug}/", status=404)
    assert data == {"detail": "Not found."}
