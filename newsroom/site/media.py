"""Uploaded files as the visibility rules allow (docs/architecture.md, "Visibility").

A file is served only for the record that names it, and as that record may be seen:

- a photo's renditions (``newsroom.renditions``) with its release, public when any
  release holding that file is public; the original never goes to readers;
- a document's file with the document, a logo with its organisation, a portrait with
  its person, public when ``public()`` holds the record.

Public files are served to everyone with a year's caching: names have a random part
and are never reused, so a file at an address never changes. Everything else is
served only to staff signed in, or to whoever holds an address signed for that very
file, which expires (``MEDIA_SIGNED_URL_SECONDS``): the pages a share link or a staff
preview shows carry such addresses. Any other path is 404, as is a hidden file: the
answer does not tell a hidden file from a missing one. Document files are always
downloads, never shown by the browser.

``media_url`` is the one way the site makes a file's address: public files at
``MEDIA_PUBLIC_URL`` (the site's own /media/ unless a CDN fronts it), hidden ones
signed here or, on S3, presigned by the bucket itself for the same short time.
Public files stay on the site's address on S3 too, because a presigned address
expires while cached pages, feeds, API clients and link previews keep it far longer.
"""

import mimetypes
import re
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.templatetags.static import static
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.encoding import filepath_to_uri
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from newsroom import renditions
from newsroom.models import Document, Organisation, Person, Photo, PressRelease

SIGN_SALT = "newsroom.media"
SIGN_SEP = ":"
PUBLIC_CACHE_CONTROL = "public, max-age=31536000, immutable"
# How wide a photo is drawn: the content column (48rem less its padding) or the screen.
PAGE_SIZES = "(min-width: 48rem) 46rem, 100vw"
# The site's logo as a link-preview card, for pages without a photo of their own.
SITE_CARD = "img/social-card.png"
MAX_NAME_LENGTH = 500
# RandomName's stored names: 16 random characters, a hyphen, the readable rest.
RANDOM_PART = re.compile(r"[A-Za-z0-9_-]{16}-(?=.)")


# Addresses ------------------------------------------------------------------------


def _signer():
    return signing.TimestampSigner(salt=SIGN_SALT, sep=SIGN_SEP)


def signature_for(name):
    """The ``sign`` parameter that opens ``name`` for ``MEDIA_SIGNED_URL_SECONDS``."""
    return _signer().sign(name).removeprefix(f"{name}{SIGN_SEP}")


def signature_valid(name, signature):
    if not signature or len(signature) > 100:
        return False
    try:
        _signer().unsign(f"{name}{SIGN_SEP}{signature}", max_age=settings.MEDIA_SIGNED_URL_SECONDS)
    except signing.BadSignature:
        return False
    return True


def stored_remotely(storage=None):
    """Whether media live in an S3 bucket, which can sign addresses itself."""
    try:
        from storages.backends.s3 import S3Storage
    except ImportError:  # pragma: no cover - django-storages[s3] is a requirement
        return False
    return isinstance(storage or default_storage, S3Storage)


def download_name(name):
    """The name a downloaded file is saved under: the stored one less its random part."""
    base = name.rsplit("/", 1)[-1]
    return RANDOM_PART.sub("", base, count=1)


def media_url(file, *, public, request=None, download=None):
    """The address of a stored file (a field file or a name) for a page.

    ``public``: whether everyone may see it now, as the page's own rule says; hidden
    files get an address that works for ``MEDIA_SIGNED_URL_SECONDS``. ``request``
    makes the address absolute. ``download``: the file is saved, not shown; by default
    a document's file is.
    """
    name = getattr(file, "name", file)
    if not name:
        return ""
    if download is None:
        download = isinstance(getattr(file, "instance", None), Document)
    if public:
        url = settings.MEDIA_PUBLIC_URL + filepath_to_uri(name)
    elif stored_remotely():
        parameters = {}
        if download:
            parameters["ResponseContentDisposition"] = content_disposition_header(
                True, download_name(name)
            )
        url = default_storage.url(
            name, parameters=parameters, expire=settings.MEDIA_SIGNED_URL_SECONDS
        )
    else:
        url = f"{settings.MEDIA_URL}{filepath_to_uri(name)}?sign={signature_for(name)}"
    return request.build_absolute_uri(url) if request is not None else url


@dataclass(frozen=True)
class Picture:
    """What an ``<img>`` of a photo needs: renditions only, never the original."""

    photo: Photo
    src: str
    width: int
    height: int
    srcset: str
    webp_srcset: str
    sizes: str
    social_url: str


def _srcset(original, available, extension, *, public, request):
    return ", ".join(
        f"{media_url(rendition.name(original, extension), public=public, request=request)} "
        f"{rendition.width}w"
        for size, rendition in available.items()
        if size != renditions.SOCIAL
    )


def pictures(photos, *, public, request=None, sizes=PAGE_SIZES):
    """A ``Picture`` for each photo that has a rendition yet, in order; others are left out.

    A missing size gives way to the next smaller one (or larger); a photo with none
    at all is not shown until they are made, rather than shown as its original.
    """
    photos = list(photos)
    available_by_name = renditions.renditions_of(photo.image.name for photo in photos)
    result = []
    for photo in photos:
        original = photo.image.name
        available = available_by_name.get(original, {})
        main = renditions.best_rendition(available, "page")
        if main is None:
            continue
        social = renditions.best_rendition(available, renditions.SOCIAL) or main
        result.append(
            Picture(
                photo=photo,
                src=media_url(main.name(original, "jpg"), public=public, request=request),
                width=main.width,
                height=main.height,
                srcset=_srcset(original, available, "jpg", public=public, request=request),
                webp_srcset=_srcset(original, available, "webp", public=public, request=request),
                sizes=sizes,
                social_url=media_url(social.name(original, "jpg"), public=public, request=request),
            )
        )
    return result


def picture(photo, *, public, request=None, sizes=PAGE_SIZES):
    """The ``Picture`` of one photo, or ``None`` while it has no rendition."""
    found = pictures([photo], public=public, request=request, sizes=sizes)
    return found[0] if found else None


def social_card_url(found_pictures, request=None):
    """The link-preview image: the first photo's card, else the site's logo card."""
    if found_pictures:
        return found_pictures[0].social_url
    url = static(SITE_CARD)
    return request.build_absolute_uri(url) if request is not None else url


# Serving --------------------------------------------------------------------------


@dataclass(frozen=True)
class Owner:
    """What a stored name belongs to: whether all may see it, and its download name."""

    public: bool
    download_as: str = ""


def valid_name(path):
    """``path`` when it can be a stored name; ``None`` for anything that climbs or hides."""
    if not path or len(path) > MAX_NAME_LENGTH or path.startswith("/"):
        return None
    if any(character in path for character in "\\\x00") or not path.isprintable():
        return None
    if any(part in ("", ".", "..") for part in path.split("/")):
        return None
    return path


def owner_of(name):
    """Who names ``name`` and whether that makes it public; ``None`` for no one."""
    parsed = renditions.parse_rendition_name(name)
    if parsed is not None:
        stem = parsed[0]
        photo_ids = [
            pk
            for pk, image in Photo.objects.filter(image__startswith=f"{stem}.").values_list(
                "pk", "image"
            )
            if renditions.stem_of(image) == stem
        ]
        if photo_ids:
            public = PressRelease.objects.public().filter(photos__in=photo_ids).exists()
            return Owner(public=public)
    if Photo.objects.filter(image=name).exists():
        # Readers get the renditions; the original stays with the office.
        return Owner(public=False)
    for model, field, download in (
        (Document, "file", True),
        (Organisation, "logo", False),
        (Person, "photo", False),
    ):
        owners = model.objects.filter(**{field: name}).values("pk")
        if owners.exists():
            return Owner(
                public=model.objects.public().filter(pk__in=owners).exists(),
                download_as=download_name(name) if download else "",
            )
    return None


def _is_staff(request):
    user = request.user
    return user.is_authenticated and user.is_active and user.is_staff


def file_response(name, *, download_as=""):
    """The file, sent the way ``MEDIA_SERVE`` says: by the application or the web server."""
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if settings.MEDIA_SERVE == "stream":
        response = FileResponse(
            default_storage.open(name, "rb"),
            content_type=content_type,
            as_attachment=bool(download_as),
            filename=download_as,
        )
    else:
        response = HttpResponse(content_type=content_type)
        if settings.MEDIA_SERVE == "x-accel-redirect":
            response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_PREFIX + quote(name)
        else:
            response["X-Sendfile"] = default_storage.path(name)
        if download_as:
            response["Content-Disposition"] = content_disposition_header(True, download_as)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def serve_media(request, path):
    name = valid_name(path)
    owner = owner_of(name) if name is not None else None
    if owner is None:
        raise Http404("No such file.")
    # The session is looked at only for hidden files: a public answer stays the same
    # for everyone (no "Vary: Cookie"), so shared caches may keep it.
    if not owner.public and not (
        signature_valid(name, request.GET.get("sign", "")) or _is_staff(request)
    ):
        raise Http404("No such file.")
    if not default_storage.exists(name):
        raise Http404("No such file.")
    response = file_response(name, download_as=owner.download_as)
    if owner.public:
        response["Cache-Control"] = PUBLIC_CACHE_CONTROL
    else:
        add_never_cache_headers(response)
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response
