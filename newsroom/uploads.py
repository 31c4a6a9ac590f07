"""Uploaded files: what is accepted, and how it is stored.

Images (photos, logos, portraits) are accepted by what they are, not by their
name: JPEG, PNG, WebP or GIF as Pillow reads them, within a size and a pixel
limit (``NEWSROOM_MAX_IMAGE_BYTES``, ``NEWSROOM_MAX_IMAGE_PIXELS``), so a
"photo" that is a decompression bomb or a script with a .jpg name is refused
with a form error. Location data (EXIF GPS) is removed before an image is
stored: a photo of a meeting must not say where the photographer lives.
Document files are PDF, DOCX, ODT or plain text, again by content
(``NEWSROOM_MAX_DOCUMENT_BYTES``). Every stored name has a random part, so
no file can be reached by guessing its address.
"""

import io
import secrets
import warnings
import zipfile
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.text import slugify
from PIL import ExifTags, Image

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
DOCUMENT_KINDS = {"pdf": "PDF", "docx": "DOCX", "odt": "ODT", "txt": "plain text"}
# Text that a browser would take for markup is not a plain-text document.
MARKUP_STARTS = (b"<!doctype", b"<html", b"<svg", b"<?xml", b"<script", b"<head", b"<body")


def max_image_bytes():
    return getattr(settings, "NEWSROOM_MAX_IMAGE_BYTES", 20 * 1024 * 1024)


def max_image_pixels():
    return getattr(settings, "NEWSROOM_MAX_IMAGE_PIXELS", 40_000_000)


def max_document_bytes():
    return getattr(settings, "NEWSROOM_MAX_DOCUMENT_BYTES", 20 * 1024 * 1024)


def limit_pillow():
    """Make Pillow itself refuse images beyond the pixel limit, wherever it opens one."""
    Image.MAX_IMAGE_PIXELS = max_image_pixels()


@deconstructible
class RandomName:
    """``upload_to`` that keeps a readable name behind a random part: ``photos/2026/11/…``."""

    def __init__(self, folder):
        self.folder = folder

    def __call__(self, instance, filename):
        path = PurePosixPath(filename)
        stem = slugify(path.stem)[:60] or "file"
        extension = path.suffix.lower().lstrip(".")[:8]
        name = f"{secrets.token_urlsafe(12)}-{stem}" + (f".{extension}" if extension else "")
        return f"{self.folder}/{timezone.now():%Y/%m}/{name}"

    def __eq__(self, other):
        return isinstance(other, RandomName) and other.folder == self.folder


def _too_large(file, limit, noun):
    if file.size > limit:
        raise ValidationError(
            f"This {noun} is {filesizeformat(file.size)}; the limit is {filesizeformat(limit)}.",
            code="too_large",
        )


def open_image(file):
    """The image in ``file``, checked against the allowed formats and the pixel limit."""
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(file)
            image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except Exception:
        raise ValidationError(
            "This file is not an image. Upload a JPEG, PNG, WebP or GIF file.", code="not_image"
        ) from None
    if image.format not in IMAGE_FORMATS:
        raise ValidationError(
            f"Images in the {image.format} format are not accepted. "
            "Upload a JPEG, PNG, WebP or GIF file.",
            code="format",
        )
    if image.width * image.height > max_image_pixels():
        raise _too_many_pixels()
    # verify() leaves the image unusable: open it again to read it.
    file.seek(0)
    return Image.open(file)


def _too_many_pixels():
    limit = max_image_pixels() / 1_000_000
    return ValidationError(
        f"This image has too many pixels; the limit is {limit:g} million. Resize it and "
        "upload it again.",
        code="pixels",
    )


def validate_image_upload(file):
    """A field validator: size, format by content, and pixels."""
    if getattr(file, "_committed", True) and not hasattr(file, "content_type"):
        # A file already stored was checked when it was uploaded.
        return
    _too_large(file, max_image_bytes(), "image")
    open_image(file)


def validate_document_upload(file):
    """A field validator: size, and PDF, DOCX, ODT or plain text by content and name."""
    if getattr(file, "_committed", True) and not hasattr(file, "content_type"):
        return
    _too_large(file, max_document_bytes(), "file")
    extension = PurePosixPath(file.name).suffix.lower().lstrip(".")
    file.seek(0)
    head = file.read(2048)
    file.seek(0)
    found = document_kind(file, head)
    if extension not in DOCUMENT_KINDS or found != extension:
        raise ValidationError(
            "Upload a PDF, DOCX, ODT or plain-text (.txt) file, named for what it is.",
            code="document_type",
        )


def document_kind(file, head):
    """``pdf``, ``docx``, ``odt`` or ``txt`` as the content shows, else ``None``."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
                if "mimetype" in names and archive.read("mimetype").strip() == (
                    b"application/vnd.oasis.opendocument.text"
                ):
                    return "odt"
                if "[Content_Types].xml" in names and "word/document.xml" in names:
                    return "docx"
        except zipfile.BadZipFile:
            return None
        finally:
            file.seek(0)
        return None
    content = file.read()
    file.seek(0)
    if b"\x00" in content or content.lstrip().lower().startswith(MARKUP_STARTS):
        return None
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "txt"


def without_location(file):
    """The image in ``file`` with its EXIF location removed, and its real extension.

    Returns ``(content, extension)``; ``content`` is ``None`` when the file
    can be stored as it is.
    """
    image = open_image(file)
    extension = IMAGE_FORMATS[image.format]
    exif = image.getexif()
    if ExifTags.IFD.GPSInfo not in exif:
        return None, extension
    del exif[ExifTags.IFD.GPSInfo]
    options = {"exif": exif.tobytes()}
    if image.format == "JPEG":
        # Keep the original compression: removing a tag must not cost quality.
        options.update(quality="keep", subsampling="keep")
    elif image.format in ("WEBP", "GIF"):
        options["save_all"] = getattr(image, "is_animated", False)
    buffer = io.BytesIO()
    image.save(buffer, format=image.format, **options)
    return buffer.getvalue(), extension


class UploadedImageField(models.ImageField):
    """An image field that checks uploads by content and stores them without location data."""

    default_validators = [*models.ImageField.default_validators, validate_image_upload]

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        if file and not file._committed:
            content, extension = without_location(file)
            name = f"{PurePosixPath(file.name).stem}.{extension}"
            if content is not None:
                file.file = ContentFile(content, name=name)
            file.name = name
        return super().pre_save(model_instance, add)
