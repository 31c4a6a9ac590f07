"""Renditions: every photo in list, page and social-card sizes, WebP and JPEG, made once beside
the original, never larger than it; pages fall back to the next size, never to the original."""

import io
import json
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult
from PIL import Image

from newsroom import renditions
from newsroom.models import Photo
from newsroom.site import media

pytestmark = pytest.mark.django_db


def image_bytes(size, image_format="JPEG", mode="RGB", color=(200, 40, 40), exif=None):
    buffer = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    Image.new(mode, size, color).save(buffer, image_format, **options)
    return buffer.getvalue()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def upload(media_root, make_release):
    release = make_release()

    def upload(content, name="photo.jpg"):
        return Photo.objects.create(
            release=release, image=SimpleUploadedFile(name, content), alt_text="A photo"
        )

    return upload


def opened(name):
    with default_storage.open(name, "rb") as file:
        image = Image.open(io.BytesIO(file.read()))
        image.load()
    return image


def stem(photo):
    return photo.image.name.rsplit(".", 1)[0]


def test_a_large_photo_gets_every_size_in_both_formats(upload):
    photo = upload(image_bytes((3000, 2000)))
    expected = {"list": (480, 320), "page": (1200, 800), "social": (1200, 630)}
    for size, dimensions in expected.items():
        for extension, image_format in (("webp", "WEBP"), ("jpg", "JPEG")):
            image = opened(f"{stem(photo)}.{size}.{extension}")
            assert (image.format, image.size) == (image_format, dimensions), (size, extension)
    index = json.loads(default_storage.open(f"{stem(photo)}.renditions.json").read())
    assert index == {size: list(dimensions) for size, dimensions in expected.items()}


def test_the_social_card_is_cropped_to_fill(upload):
    # Tall, with a red top and a blue bottom: the card keeps the middle, as wide as it can.
    tall = Image.new("RGB", (1500, 3000), (200, 0, 0))
    tall.paste((0, 0, 200), (0, 1500, 1500, 3000))
    buffer = io.BytesIO()
    tall.save(buffer, "PNG")
    photo = upload(buffer.getvalue(), "tall.png")
    card = opened(f"{stem(photo)}.social.jpg")
    assert card.size == (1200, 630)
    top, bottom = card.getpixel((600, 5)), card.getpixel((600, 625))
    assert top[0] > 150 and bottom[2] > 150


def test_nothing_is_ever_upscaled(upload):
    photo = upload(image_bytes((300, 200), "PNG"), "small.png")
    index = renditions.read_index(photo.image.name)
    # The page size would repeat the list size: it is left out, and pages take the list size.
    assert index == {"list": [300, 200], "social": [300, 158]}
    assert not default_storage.exists(f"{stem(photo)}.page.webp")
    for size in index:
        for extension in renditions.FORMATS:
            image = opened(f"{stem(photo)}.{size}.{extension}")
            assert image.width <= 300 and image.height <= 200

    (picture,) = media.pictures([photo], public=True)
    assert picture.src.endswith(".list.jpg")
    assert (picture.width, picture.height) == (300, 200)
    assert picture.srcset == f"/media/{stem(photo)}.list.jpg 300w"


def test_transparency_sits_on_white_in_jpeg_and_stays_in_webp(upload):
    photo = upload(image_bytes((800, 600), "PNG", "RGBA", (0, 0, 0, 0)), "clear.png")
    assert opened(f"{stem(photo)}.list.jpg").getpixel((10, 10))[:3] >= (250, 250, 250)
    assert opened(f"{stem(photo)}.list.webp").getpixel((10, 10))[3] == 0


def test_renditions_carry_no_metadata(upload):
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    exif[0x0110] = "Camera model with serial 1234"  # Model
    photo = upload(image_bytes((1600, 1200), exif=exif.tobytes()))
    assert opened(photo.image.name).getexif().get(0x0110)
    for size in renditions.SIZES:
        assert not opened(f"{stem(photo)}.{size}.jpg").getexif()


def test_renditions_are_made_once(upload, media_root):
    photo = upload(image_bytes((1600, 1200)))
    page = media_root / f"{stem(photo)}.page.webp"
    made = page.stat().st_mtime_ns
    renditions.make_renditions(photo.image.name)
    photo.caption = "A caption"
    photo.save()
    assert page.stat().st_mtime_ns == made


def test_pages_fall_back_to_the_next_size_never_to_the_original(upload):
    photo = upload(image_bytes((2000, 1000)))
    name = photo.image.name
    index = renditions.read_index(name)
    # An index that lacks the page size (a run interrupted and mended by hand).
    del index["page"]
    default_storage.delete(f"{stem(photo)}.renditions.json")
    default_storage.save(f"{stem(photo)}.renditions.json", ContentFile(json.dumps(index)))
    renditions.cache.clear()
    (picture,) = media.pictures([photo], public=True)
    assert picture.src == f"/media/{stem(photo)}.list.jpg"
    assert picture.social_url == f"/media/{stem(photo)}.social.jpg"
    assert name not in picture.srcset + picture.webp_srcset + picture.src


def test_a_photo_without_renditions_yet_is_left_out_not_shown_as_original(upload, media_root):
    photo = upload(image_bytes((1600, 1200)))
    for path in media_root.rglob("*"):
        if path.is_file() and path.name != photo.image.name.rsplit("/", 1)[1]:
            path.unlink()
    renditions.cache.clear()
    assert media.pictures([photo], public=True) == []
    assert media.social_card_url([]) == "/static/img/social-card.png"
    assert media.picture(photo, public=True) is None


def test_an_unreadable_photo_breaks_no_page(upload, media_root):
    photo = upload(image_bytes((1600, 1200)))
    broken = Photo.objects.create(release=photo.release, image="photos/missing.jpg", alt_text="x")
    pictures = media.pictures([broken, photo], public=True)
    assert [picture.photo for picture in pictures] == [photo]


def test_with_the_database_queue_a_worker_makes_them(settings, upload, media_root):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    photo = upload(image_bytes((1600, 1200)))
    assert renditions.read_index(photo.image.name) is None
    assert DBTaskResult.objects.filter(task_path__endswith="generate_renditions").count() == 1
    # The worker closes old connections between tasks, which would end the test's own.
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    assert renditions.read_index(photo.image.name) == {
        "list": [480, 360],
        "page": [1200, 900],
        "social": [1200, 630],
    }


def test_the_command_makes_what_is_missing(media_root, make_release, capsys):
    # Rows loaded with their files but without renditions, as fixtures and restores bring them.
    release = make_release()
    default_storage.save("photos/loaded.jpg", ContentFile(image_bytes((900, 600))))
    Photo.objects.bulk_create([Photo(release=release, image="photos/loaded.jpg", alt_text="x")])
    Photo.objects.bulk_create([Photo(release=release, image="photos/gone.jpg", alt_text="y")])
    call_command("make_renditions")
    assert renditions.read_index("photos/loaded.jpg") == {
        "list": [480, 320],
        "page": [900, 600],
        "social": [900, 472],
    }
    captured = capsys.readouterr()
    assert "made for 1 photo(s); 0 already had them; 1 could not be read" in captured.out
    assert "photos/gone.jpg" in captured.err
    call_command("make_renditions")
    assert "made for 0 photo(s); 1 already had them" in capsys.readouterr().out


def test_a_public_page_shows_a_photo_once_its_renditions_are_made(
    settings, client, public_world, make_release, media_root
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    release = public_world.attach(make_release())
    Photo.objects.filter(release=release).delete()
    assert "Added later" not in client.get(release.get_absolute_url()).content.decode()
    photo = Photo.objects.create(
        release=release,
        image=SimpleUploadedFile("later.jpg", image_bytes((1600, 1200))),
        alt_text="Added later",
    )
    # Until the worker has made its copies, the cached page shows no photo.
    assert "Added later" not in client.get(release.get_absolute_url()).content.decode()
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    page = client.get(release.get_absolute_url()).content.decode()
    assert "Added later" in page and stem(photo) in page
