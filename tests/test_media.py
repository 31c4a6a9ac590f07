"""Media files follow the visibility rules: hidden until their record is public, then cached
for a year; staff and signed addresses reach hidden files; nothing else is ever served."""

import datetime
import io
import time

import pytest
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from newsroom.editorial.previews import share_url
from newsroom.models import Document, Organisation, Person, Photo, ShareLink
from newsroom.site import media

pytestmark = pytest.mark.django_db

YEAR_LONG = "public, max-age=31536000, immutable"


def jpeg(width=1600, height=1000):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def embargoed(media_root, make_release, make_organisation):
    """A scheduled release with a photo and a document of its own; nothing else names them."""
    release = make_release(publish_at=timezone.now() + datetime.timedelta(days=1))
    release.organisations.add(make_organisation())
    photo = Photo.objects.create(
        release=release,
        image=SimpleUploadedFile("summit.jpg", jpeg(), content_type="image/jpeg"),
        alt_text="The delegations at the table",
    )
    document = Document.objects.create(
        title="Memorandum",
        slug="memorandum",
        file=SimpleUploadedFile("Memorandum of Understanding.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    release.documents.add(document)
    return release, photo, document


def rendition_url(photo, size="page", extension="jpg"):
    return media.media_url(f"{photo.image.name.rsplit('.', 1)[0]}.{size}.{extension}", public=True)


def test_hidden_files_are_404_to_the_public(client, embargoed):
    _release, photo, document = embargoed
    for url in (
        rendition_url(photo),
        rendition_url(photo, "list", "webp"),
        rendition_url(photo, "social"),
        media.media_url(photo.image, public=True),
        media.media_url(document.file, public=True),
    ):
        assert client.get(url).status_code == 404, url


def test_staff_reach_hidden_files_privately(login, editor, embargoed):
    _release, photo, document = embargoed
    staff = login(editor)
    response = staff.get(rendition_url(photo))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    # The original too: staff see it in the admin.
    assert staff.get(media.media_url(photo.image, public=True)).status_code == 200

    response = staff.get(media.media_url(document.file, public=True))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="memorandum-of-understanding.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_signed_addresses_open_hidden_files_to_anyone(client, embargoed):
    _release, photo, document = embargoed
    (picture,) = media.pictures([photo], public=False)
    for url in (picture.src, picture.social_url, media.media_url(document.file, public=False)):
        assert "?sign=" in url
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"]
        assert "Cookie" not in response.get("Vary", "")
    for url in (*picture.srcset.split(", "), *picture.webp_srcset.split(", ")):
        assert client.get(url.split(" ")[0]).status_code == 200


def test_a_signature_opens_only_its_own_file_and_only_for_a_while(client, embargoed, settings):
    _release, photo, document = embargoed
    photo_url = media.media_url(rendition_url(photo).removeprefix("/media/"), public=False)
    signature = photo_url.split("?sign=")[1]
    document_path = media.media_url(document.file, public=True)
    assert client.get(f"{document_path}?sign={signature}").status_code == 404
    assert client.get(photo_url[:-2] + "xx").status_code == 404
    assert client.get(photo_url + "x" * 200).status_code == 404

    settings.MEDIA_SIGNED_URL_SECONDS = 60
    assert client.get(photo_url).status_code == 200
    later = time.time() + 61
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: later)
        assert client.get(photo_url).status_code == 404


def test_publication_makes_files_public_with_year_long_caching(client, editor, embargoed):
    release, photo, document = embargoed
    release.publish(editor)

    response = client.get(rendition_url(photo, "page", "webp"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == YEAR_LONG
    # The answer is the same for everyone, so shared caches may keep it.
    assert "Cookie" not in response.get("Vary", "")

    response = client.get(media.media_url(document.file, public=True))
    assert response.status_code == 200
    assert response["Cache-Control"] == YEAR_LONG
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"

    # The original never goes to readers, public or not.
    assert client.get(media.media_url(photo.image, public=True)).status_code == 404


def test_withdrawal_hides_the_files_again(client, editor, embargoed):
    release, photo, _document = embargoed
    release.publish(editor)
    assert client.get(rendition_url(photo)).status_code == 200
    release.refresh_from_db()
    release.withdraw(editor, comment="Published by mistake.")
    assert client.get(rendition_url(photo)).status_code == 404


def test_a_photo_shared_with_a_public_release_is_public(client, embargoed, make_release):
    # A working copy carries the live release's photo files: public through the live one.
    _release, photo, _document = embargoed
    live = make_release()
    Photo.objects.create(release=live, image=photo.image.name, alt_text="Shared")
    assert client.get(rendition_url(photo)).status_code == 200


def test_a_share_links_page_carries_signed_addresses_that_load(client, editor, embargoed):
    release, photo, _document = embargoed
    link = ShareLink.objects.create(
        release=release, created_by=editor, expires_at=timezone.now() + datetime.timedelta(days=1)
    )
    page = client.get(share_url(link)).content.decode()
    assert photo.image.name not in page
    sources = [part.split('"')[0] for part in page.split('src="')[1:] if part.startswith("/media/")]
    assert sources and all("?sign=" in source for source in sources)
    for source in sources:
        assert client.get(source.replace("&amp;", "&")).status_code == 200


def test_public_pages_never_name_the_original(client, editor, embargoed):
    release, photo, _document = embargoed
    release.publish(editor)
    for url in ("/", release.get_absolute_url(), f"/api/releases/{release.slug}/"):
        page = client.get(url).content.decode()
        assert photo.image.name not in page, url
        assert photo.image.name.rsplit(".", 1)[0] in page, url


def test_reference_files_follow_their_records(client, media_root, make_release):
    organisation = Organisation.objects.create(
        name="Hidden body",
        slug="hidden-body",
        logo=SimpleUploadedFile("logo.png", png(), content_type="image/png"),
    )
    person = Person.objects.create(
        name="Ann Other",
        slug="ann-other",
        photo=SimpleUploadedFile("portrait.png", png(), content_type="image/png"),
    )
    logo, portrait = (media.media_url(f, public=True) for f in (organisation.logo, person.photo))
    assert client.get(logo).status_code == 404
    assert client.get(portrait).status_code == 404

    organisation.is_listed = True
    organisation.save()
    person.is_listed = True
    person.save()
    response = client.get(logo)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == YEAR_LONG
    assert "attachment" not in response.get("Content-Disposition", "")
    assert client.get(portrait).status_code == 200


def png(size=(64, 64)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "path",
    [
        "/media/",
        "/media/../pressoffice/settings/base.py",
        "/media/%2e%2e/pressoffice/settings/base.py",
        "/media/photos/%2e%2e/%2e%2e/manage.py",
        "/media//etc/passwd",
        "/media/%2Fetc%2Fpasswd",
        "/media/photos/..%5C..%5Cmanage.py",
        "/media/photos/a%00.jpg",
        "/media/./stray.txt",
        "/media/stray.txt",
        "/media/" + "a/" * 300 + "b.jpg",
    ],
)
def test_nothing_but_named_files_is_served(login, editor, media_root, path):
    # A file in the media folder that no record names is not served, not even to staff.
    default_storage.save("stray.txt", ContentFile(b"left here"))
    (media_root.parent / "outside.txt").write_text("secret")
    response = login(editor).get(path)
    assert response.status_code == 404


def test_only_reading_methods_are_allowed(client, editor, embargoed):
    release, photo, _document = embargoed
    release.publish(editor)
    assert client.post(rendition_url(photo)).status_code == 405
    assert client.head(rendition_url(photo)).status_code == 200


@pytest.mark.parametrize("mode", ["x-accel-redirect", "x-sendfile"])
def test_the_web_server_can_send_the_file(client, editor, embargoed, settings, media_root, mode):
    release, photo, document = embargoed
    release.publish(editor)
    settings.MEDIA_SERVE = mode
    settings.MEDIA_ACCEL_PREFIX = "/protected-media/"
    name = rendition_url(photo).removeprefix("/media/")
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert response.content == b""
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == YEAR_LONG
    if mode == "x-accel-redirect":
        assert response["X-Accel-Redirect"] == f"/protected-media/{name}"
    else:
        assert response["X-Sendfile"] == str(media_root / name)

    response = client.get(media.media_url(document.file, public=True))
    assert response.content == b""
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_missing_file_of_a_public_record_is_404(client, editor, embargoed):
    release, photo, _document = embargoed
    release.publish(editor)
    default_storage.delete(rendition_url(photo).removeprefix("/media/"))
    assert client.get(rendition_url(photo)).status_code == 404


# The same on S3: a private bucket on an S3-compatible server on this machine. -------


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_media(s3_endpoint, settings, monkeypatch):
    import uuid

    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "office-test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "office-test-secret")
    bucket = f"press-media-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "addressing_style": "path",
                "signature_version": "s3v4",
                "default_acl": None,
                "querystring_auth": True,
                "querystring_expire": settings.MEDIA_SIGNED_URL_SECONDS,
            },
        },
    }
    assert media.stored_remotely()
    return client, bucket


def fetch(url):
    """``(status, headers, body)`` of a plain GET, as a browser outside the site would."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_on_s3_hidden_files_get_presigned_addresses_and_public_ones_the_sites(
    s3_media, s3_endpoint, client, editor, make_release, make_organisation
):
    s3, bucket = s3_media
    release = make_release(publish_at=timezone.now() + datetime.timedelta(days=1))
    release.organisations.add(make_organisation())
    photo = Photo.objects.create(
        release=release,
        image=SimpleUploadedFile("summit.jpg", jpeg(), content_type="image/jpeg"),
        alt_text="The delegations",
    )
    document = Document.objects.create(
        title="Memorandum", slug="memorandum", file=SimpleUploadedFile("MoU.pdf", b"%PDF-1.4\n")
    )
    release.documents.add(document)
    stored = {item["Key"] for item in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    base = photo.image.name.rsplit(".", 1)[0]
    assert {
        f"{base}.{size}.{ext}" for size in ("list", "page", "social") for ext in ("webp", "jpg")
    } <= stored

    # Hidden: the site answers 404, the bucket refuses unsigned requests, presigned ones work.
    page_rendition = f"{base}.page.jpg"
    assert client.get(f"/media/{page_rendition}").status_code == 404
    assert fetch(f"{s3_endpoint}/{bucket}/{page_rendition}")[0] == 403
    (picture,) = media.pictures([photo], public=False)
    assert picture.src.startswith(f"{s3_endpoint}/{bucket}/{page_rendition}?")
    assert "X-Amz-Expires=3600&" in picture.src
    status, headers, body = fetch(picture.src)
    assert (status, headers["Content-Type"], body[:2]) == (200, "image/jpeg", b"\xff\xd8")
    status, headers, body = fetch(media.media_url(document.file, public=False))
    assert status == 200 and body.startswith(b"%PDF-")
    assert headers["Content-Disposition"] == 'attachment; filename="mou.pdf"'

    # Public: the site's own address, streamed from the bucket, cached for a year.
    release.publish(editor)
    (picture,) = media.pictures([photo], public=True)
    assert picture.src == f"/media/{page_rendition}"
    response = client.get(picture.src)
    assert response.status_code == 200
    assert response["Cache-Control"] == YEAR_LONG
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    response = client.get(media.media_url(document.file, public=True))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="mou.pdf"'
    # The original stays with the office here too.
    assert client.get(f"/media/{photo.image.name}").status_code == 404
