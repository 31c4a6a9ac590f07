"""Uploads are accepted by what they are, within limits, and stored without location data
under names no one can guess."""

import io
import os
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from newsroom.models import Photo
from newsroom.uploads import validate_document_upload

from .test_admin_workflow import post_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def image_bytes(size=(64, 48), image_format="JPEG", *, gps=False, mode="RGB"):
    image = Image.new(mode, size, "white" if mode != "1" else 1)
    options = {}
    if gps:
        exif = Image.Exif()
        exif[ExifTags.Base.Make] = "Press camera"
        exif[ExifTags.IFD.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (36.0, 4.0, 1.0),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (120.0, 22.0, 59.0),
        }
        options["exif"] = exif.tobytes()
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def upload_photo(client, release, name, content, content_type="image/jpeg"):
    data = post_data(
        release,
        **{
            "photos-TOTAL_FORMS": "1",
            "photos-0-image": SimpleUploadedFile(name, content, content_type),
            "photos-0-alt_text": "Delegations at the table",
            "photos-0-order": "0",
        },
    )
    return client.post(reverse("admin:newsroom_pressrelease_change", args=[release.pk]), data)


def photo_errors(response):
    assert response.status_code == 200, "the form is shown again with an error"
    formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "photos"
    )
    return " ".join(str(error) for form in formset.forms for error in form.errors.values())


@pytest.fixture
def editor_client(editor, login):
    return login(editor)


@pytest.fixture
def draft(make_release):
    return make_release(status="draft", publish_at=None)


def test_a_photo_is_stored_without_its_location_under_a_name_no_one_can_guess(editor_client, draft):
    response = upload_photo(editor_client, draft, "meeting.jpg", image_bytes(gps=True))
    assert response.status_code == 302
    photo = Photo.objects.get(release=draft)
    name = photo.image.name
    assert name.startswith("photos/") and name.endswith("-meeting.jpg")
    # A random part of at least 16 characters stands before the original name.
    assert len(name.rsplit("/", 1)[1]) >= len("-meeting.jpg") + 16
    with Image.open(photo.image.path) as stored:
        exif = stored.getexif()
        assert ExifTags.IFD.GPSInfo not in exif
        assert exif[ExifTags.Base.Make] == "Press camera"


def test_two_photos_with_one_name_get_different_addresses(editor_client, draft, make_release):
    upload_photo(editor_client, draft, "photo.jpg", image_bytes())
    other = make_release(status="draft", publish_at=None)
    upload_photo(editor_client, other, "photo.jpg", image_bytes())
    first, second = Photo.objects.order_by("pk").values_list("image", flat=True)
    assert first != second


def test_a_png_named_jpg_is_stored_as_png(editor_client, draft):
    upload_photo(editor_client, draft, "chart.jpg", image_bytes(image_format="PNG"))
    assert Photo.objects.get(release=draft).image.name.endswith("-chart.png")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("page.jpg", b"<html><script>alert(1)</script></html>", "not an image"),
        (
            "vector.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
            "image",
        ),
        ("scan.tiff", image_bytes(image_format="TIFF"), "TIFF"),
        ("scan.bmp", image_bytes(image_format="BMP"), "BMP"),
    ],
)
def test_files_that_are_not_allowed_images_are_refused_with_a_form_error(
    editor_client, draft, name, content, expected
):
    errors = photo_errors(upload_photo(editor_client, draft, name, content))
    assert expected.lower() in errors.lower()
    assert not Photo.objects.exists()


def test_an_image_over_the_size_limit_is_refused(editor_client, draft, settings):
    settings.NEWSROOM_MAX_IMAGE_BYTES = 1000
    noise = io.BytesIO()
    Image.frombytes("RGB", (100, 100), os.urandom(30_000)).save(noise, format="PNG")
    errors = photo_errors(upload_photo(editor_client, draft, "big.png", noise.getvalue()))
    assert "the limit is 1000" in errors.replace("\xa0", " ")
    assert not Photo.objects.exists()


def test_a_pixel_flood_is_refused(editor_client, draft):
    # 9,400 × 9,400 one-bit pixels: 88 megapixels in a file of a few kilobytes.
    flood = image_bytes((9400, 9400), "PNG", mode="1")
    assert len(flood) < 100_000
    errors = photo_errors(upload_photo(editor_client, draft, "flood.png", flood, "image/png"))
    assert errors, "refused with a message"
    assert not Photo.objects.exists()


def test_an_image_over_the_pixel_limit_is_refused(editor_client, draft, settings):
    settings.NEWSROOM_MAX_IMAGE_PIXELS = 10_000
    errors = photo_errors(upload_photo(editor_client, draft, "wide.jpg", image_bytes((200, 100))))
    assert "too many pixels" in errors
    assert not Photo.objects.exists()


# Document files --------------------------------------------------------------


def zip_bytes(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = zip_bytes({"[Content_Types].xml": "<Types/>", "word/document.xml": "<document/>"})
ODT = zip_bytes({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<c/>"})


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("memorandum.pdf", b"%PDF-1.7\n1 0 obj\n"),
        ("memorandum.docx", DOCX),
        ("memorandum.odt", ODT),
        ("memorandum.txt", "Меморандум о взаимопонимании.\n".encode()),
    ],
)
def test_documents_in_the_allowed_formats_are_accepted(name, content):
    validate_document_upload(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("page.txt", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
        ("drawing.txt", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
        ("memorandum.pdf", b"<html>not a pdf</html>"),
        ("memorandum.docx", ODT),
        ("archive.zip", zip_bytes({"a.txt": "a"})),
        ("binary.txt", b"\x00\x01\x02"),
        ("latin1.txt", "Mémorandum".encode("latin-1")),
        ("program.exe", b"MZ\x90\x00"),
    ],
)
def test_other_document_files_are_refused(name, content):
    with pytest.raises(ValidationError, match="PDF, DOCX, ODT or plain-text"):
        validate_document_upload(SimpleUploadedFile(name, content))


def test_a_document_over_the_size_limit_is_refused(settings):
    settings.NEWSROOM_MAX_DOCUMENT_BYTES = 10
    with pytest.raises(ValidationError, match="the limit is"):
        validate_document_upload(SimpleUploadedFile("long.txt", b"x" * 11))


def test_the_document_admin_refuses_an_html_file_and_stores_a_pdf_under_a_random_name(
    editor, login, django_user_model
):
    from newsroom.models import Document

    superuser = django_user_model.objects.create_superuser("chief", "chief@example.org", "x")
    signed_in = login(superuser)
    fields = {"title": "Memorandum", "slug": "memorandum", "kind": "memorandum"}
    fields.update(date_precision="day", summary="")
    response = signed_in.post(
        "/admin/newsroom/document/add/",
        {**fields, "file": SimpleUploadedFile("memo.html", b"<script>alert(1)</script>")},
    )
    assert response.status_code == 200
    assert "PDF, DOCX, ODT or plain-text" in str(response.context["adminform"].form.errors)
    assert not Document.objects.exists()
    response = signed_in.post(
        "/admin/newsroom/document/add/",
        {**fields, "file": SimpleUploadedFile("memo.pdf", b"%PDF-1.7\n")},
    )
    assert response.status_code == 302
    name = Document.objects.get().file.name
    assert name.startswith("documents/") and name.endswith("-memo.pdf") and len(name) > 40


def test_a_logo_that_is_an_svg_is_refused(login, django_user_model):
    superuser = django_user_model.objects.create_superuser("chief", "chief@example.org", "x")
    response = login(superuser).post(
        "/admin/newsroom/organisation/add/",
        {
            "name": "Organisation of Tests",
            "slug": "oot",
            "kind": "intergovernmental",
            "logo": SimpleUploadedFile("logo.svg", b"<svg onload='alert(1)'/>", "image/svg+xml"),
            "relations_from-TOTAL_FORMS": "0",
            "relations_from-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["logo"]
