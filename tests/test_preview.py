import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from newsroom.editorial.previews import share_url
from newsroom.models import ShareLink

pytestmark = pytest.mark.django_db


def make_link(release, editor, **fields):
    return ShareLink.objects.create(
        release=release,
        created_by=editor,
        expires_at=fields.pop("expires_at", timezone.now() + datetime.timedelta(days=2)),
        **fields,
    )


def assert_private(response):
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


@pytest.mark.parametrize("status", ["draft", "in_review", "published", "withdrawn"])
def test_staff_preview_any_state_in_the_public_template(make_release, contributor, status, login):
    release = make_release(status=status, title=f"A {status} release")
    url = reverse("admin:newsroom_pressrelease_preview", args=[release.pk])
    response = login(contributor).get(url)
    assert response.status_code == 200
    assert "newsroom/release_detail.html" in [t.name for t in response.templates]
    assert response.context["is_preview"] is True
    page = response.content.decode()
    assert f"A {status} release" in page
    assert 'class="preview-banner"' in page
    assert '<meta name="robots" content="noindex">' in page
    assert '<link rel="canonical"' not in page
    assert_private(response)


def test_preview_shows_what_the_public_page_shows(make_release, make_organisation, editor, login):
    from newsroom.models import Office, Participant, Person

    organisation = make_organisation(name="Collective Body", short_name="CB")
    office = Office.objects.create(organisation=organisation, title="Chair", slug="chair")
    person = Person.objects.create(name="Preview Person", slug="preview-person")
    release = make_release(status="draft", publish_at=None)
    release.organisations.add(organisation)
    release.tags.add("preview topic")
    Participant.objects.create(release=release, person=person, office=office)
    url = reverse("admin:newsroom_pressrelease_preview", args=[release.pk])
    page = login(editor).get(url).content.decode()
    for expected in [
        "Preview Person",
        "Collective Body",
        "preview topic",
        "QINGDAO, 1 January 2024",
    ]:
        assert expected in page


def test_preview_is_for_staff_only(make_release, client):
    release = make_release(status="draft")
    response = client.get(reverse("admin:newsroom_pressrelease_preview", args=[release.pk]))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_share_link_shows_exactly_that_release(make_release, editor, client):
    release = make_release(status="draft", publish_at=None, title="Embargoed statement")
    other = make_release(status="draft", publish_at=None, title="Another draft")
    response = client.get(share_url(make_link(release, editor)))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Embargoed statement" in page and "Another draft" not in page
    assert_private(response)
    assert client.get(other.get_absolute_url()).status_code == 404


def test_share_link_is_read_only(make_release, editor, client):
    release = make_release(status="draft", publish_at=None)
    assert client.post(share_url(make_link(release, editor))).status_code == 405


def test_expired_share_link_is_not_found(make_release, editor, client):
    release = make_release(status="draft", publish_at=None)
    link = make_link(release, editor, expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(share_url(link)).status_code == 404
    assert not link.is_valid()
    assert link.is_valid(now=link.expires_at - datetime.timedelta(minutes=1))


def test_revoked_share_link_is_not_found(make_release, editor, client, login):
    release = make_release(status="draft", publish_at=None)
    link = make_link(release, editor)
    url = share_url(link)
    assert client.get(url).status_code == 200
    revoke = reverse("admin:newsroom_pressrelease_revoke_share", args=[release.pk, link.pk])
    assert login(editor).post(revoke).status_code == 302
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "tamper",
    [
        lambda url: url.replace(url.split("/")[-2][:4], "abcd"),
        lambda url: url[:-3] + "x/",
        lambda url: "/preview/" + "0" * 32 + "/",
        lambda url: "/preview/not-a-token/",
    ],
)
def test_tampered_share_link_is_not_found(make_release, editor, client, tamper):
    release = make_release(status="draft", publish_at=None)
    url = share_url(make_link(release, editor))
    assert client.get(tamper(url)).status_code == 404


def test_editor_creates_and_lists_share_links(make_release, editor, client, login):
    release = make_release(status="in_review", publish_at=None)
    url = reverse("admin:newsroom_pressrelease_share", args=[release.pk])
    staff = login(editor)
    expires = timezone.localtime() + datetime.timedelta(days=3)
    response = staff.post(
        url,
        {
            "expires_at_0": expires.date().isoformat(),
            "expires_at_1": expires.strftime("%H:%M:%S"),
            "note": "CSTO press office",
        },
    )
    assert response.status_code == 302
    link = ShareLink.objects.get(release=release)
    assert link.note == "CSTO press office"
    page = staff.get(url).content.decode()
    assert share_url(link) in page
    assert client.get(share_url(link)).status_code == 200


def test_a_share_link_cannot_expire_in_the_past(make_release, editor, login):
    release = make_release(status="draft", publish_at=None)
    url = reverse("admin:newsroom_pressrelease_share", args=[release.pk])
    response = login(editor).post(url, {"expires_at_0": "2020-01-01", "expires_at_1": "10:00"})
    assert response.status_code == 200
    assert "Choose a time in the future." in response.content.decode()
    assert not ShareLink.objects.exists()


def test_contributors_cannot_create_share_links(make_release, contributor, login):
    release = make_release(status="draft", publish_at=None, created_by=contributor)
    url = reverse("admin:newsroom_pressrelease_share", args=[release.pk])
    assert login(contributor).get(url).status_code == 403
