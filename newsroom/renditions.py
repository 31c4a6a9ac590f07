"""Smaller copies of each photo, the only form in which readers get a photo.

Every photo has a *list* size (480 pixels wide), a *page* size (1200 wide) and a
*social* card (1200 × 630, cropped to fill, for link previews), each in WebP and
JPEG, stored beside the original under names derived from its own:
``photos/2026/11/Xy…-summit.jpg`` → ``photos/2026/11/Xy…-summit.page.webp``. A copy
is never larger than the original: a photo narrower than a size gets that size at
its own width, and a size that would repeat the one below it is left out (readers
get the next smaller one). Last of all a small index, ``<stem>.renditions.json``,
records the pixel size of each; its presence says the set is complete, and pages
read it instead of looking at every file.

The originals keep what the camera wrote (only the location is removed on upload);
the copies carry no metadata at all. Copies are made once, by a background task
when a worker runs and at once otherwise, after each photo is saved; the
``make_renditions`` command makes those that are missing, e.g. after a restore.
"""

import contextlib
import io
import json
import logging
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models.signals import post_save
from django.dispatch import Signal
from django_tasks import task
from PIL import Image, ImageOps

from newsroom.models import Photo
from newsroom.uploads import limit_pillow

logger = logging.getLogger(__name__)

try:
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - redis is a requirement
    RedisError = OSError
# The index is kept in the cache to spare the storage; without the cache it is read again.
CACHE_ERRORS = (RedisError, OSError)

# Widths, smallest first: a page asks for the next smaller one when one is missing.
WIDTHS = {"list": 480, "page": 1200}
SOCIAL = "social"
SOCIAL_SIZE = (1200, 630)
SIZES = (*WIDTHS, SOCIAL)
# Extension → (Pillow format, encoder options). WebP first: browsers that read it take it.
FORMATS = {
    "webp": ("WEBP", {"quality": 80, "method": 4}),
    "jpg": ("JPEG", {"quality": 82, "optimize": True, "progressive": True}),
}
INDEX_SUFFIX = ".renditions.json"
RENDITION_NAME = re.compile(
    r"(?P<stem>.+)\.(?P<size>{sizes})\.(?P<extension>{extensions})".format(
        sizes="|".join(SIZES), extensions="|".join(FORMATS)
    )
)
CACHE_PREFIX = "newsroom:renditions:"

# Sent once a photo's copies are all stored, with ``original``, the stored file's name.
renditions_made = Signal()


def stem_of(original):
    return str(PurePosixPath(original).with_suffix(""))


def rendition_name(original, size, extension):
    return f"{stem_of(original)}.{size}.{extension}"


def index_name(original):
    return stem_of(original) + INDEX_SUFFIX


def parse_rendition_name(name):
    """``(stem, size, extension)`` when ``name`` is a rendition's name, else ``None``."""
    match = RENDITION_NAME.fullmatch(name)
    return match.group("stem", "size", "extension") if match else None


@dataclass(frozen=True)
class Rendition:
    size: str
    width: int
    height: int

    def name(self, original, extension):
        return rendition_name(original, self.size, extension)


# Making them ---------------------------------------------------------------------


def _normalised(image):
    """``image`` as RGB, or RGBA when it has transparency: what resizing does well."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        return image.convert("RGBA")
    return image.convert("RGB") if image.mode != "RGB" else image


def planned_sizes(width, height):
    """What each size comes out at for an original of ``width`` × ``height``, never larger."""
    planned = []
    for size, target in WIDTHS.items():
        scaled_width = min(target, width)
        if planned and scaled_width <= planned[-1].width:
            continue
        planned.append(Rendition(size, scaled_width, max(1, round(height * scaled_width / width))))
    # The card keeps its proportions; below 1200 × 630 it is as large as the original allows.
    scale = min(1, width / SOCIAL_SIZE[0], height / SOCIAL_SIZE[1])
    planned.append(
        Rendition(
            SOCIAL,
            max(1, round(SOCIAL_SIZE[0] * scale)),
            max(1, round(SOCIAL_SIZE[1] * scale)),
        )
    )
    return planned


def _encode(image, extension):
    image_format, options = FORMATS[extension]
    if image_format == "JPEG" and image.mode == "RGBA":
        # JPEG has no transparency: it sits on white, as on the page.
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        image = background
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def _store(storage, name, content):
    # A copy left by an interrupted run is replaced, not kept beside a renamed new one.
    if storage.exists(name):
        storage.delete(name)
    stored = storage.save(name, ContentFile(content))
    if stored != name:
        raise OSError(f"The storage kept {name} as {stored}.")


def make_renditions(original, storage=None):
    """Make the copies of ``original`` that are missing; returns its index (size → w, h).

    Does nothing when the index says they are all there.
    """
    storage = storage or default_storage
    known = read_index(original, storage)
    if known is not None:
        return known
    limit_pillow()
    with storage.open(original, "rb") as file:
        image = Image.open(file)
        image.seek(0)  # the first frame of an animation
        image = _normalised(ImageOps.exif_transpose(image))
        image.load()
    index = {}
    for rendition in planned_sizes(image.width, image.height):
        if rendition.size == SOCIAL:
            resized = ImageOps.fit(
                image, (rendition.width, rendition.height), method=Image.Resampling.LANCZOS
            )
        else:
            resized = image.resize((rendition.width, rendition.height), Image.Resampling.LANCZOS)
        for extension in FORMATS:
            _store(storage, rendition.name(original, extension), _encode(resized, extension))
        index[rendition.size] = [rendition.width, rendition.height]
    # Written last: its presence means every copy is stored.
    _store(storage, index_name(original), json.dumps(index).encode())
    _remember(original, index)
    # Pages built before now showed the photo nowhere (``pictures`` leaves it out).
    renditions_made.send(sender=Photo, original=original)
    return index


@task()
def generate_renditions(original):
    """The background task: make the copies of the stored file named ``original``."""
    if not default_storage.exists(original):
        logger.warning("No renditions made: the photo %s is not stored.", original)
        return None
    return make_renditions(original)


# Reading what there is -------------------------------------------------------------


def _cache_key(original):
    return CACHE_PREFIX + original


def _remember(original, index):
    with contextlib.suppress(CACHE_ERRORS):
        cache.set(_cache_key(original), index, None)


def _recall(originals):
    try:
        return cache.get_many([_cache_key(name) for name in originals])
    except CACHE_ERRORS:
        return {}


def _valid_index(index):
    """Only the sizes of ``index`` given as two positive whole numbers."""
    if not isinstance(index, dict):
        return None
    return {
        size: [int(value) for value in index[size]]
        for size in SIZES
        if isinstance(index.get(size), list)
        and len(index[size]) == 2
        and all(isinstance(value, int) and value > 0 for value in index[size])
    }


def read_index(original, storage=None):
    """The stored index of ``original`` (size → [width, height]), or ``None`` while incomplete."""
    storage = storage or default_storage
    try:
        with storage.open(index_name(original), "rb") as file:
            index = json.loads(file.read())
    except (OSError, ValueError):
        return None
    return _valid_index(index)


def renditions_of(originals):
    """For each name in ``originals``: the sizes that exist, ``{size: Rendition}``.

    An index once found never changes (names are never reused), so it is kept in the
    cache for good; only names not yet known cost a look at the storage.
    """
    originals = [name for name in dict.fromkeys(originals) if name]
    found = _recall(originals)
    result = {}
    for name in originals:
        index = found.get(_cache_key(name))
        if index is None:
            index = read_index(name)
            if index is not None:
                _remember(name, index)
        result[name] = {
            size: Rendition(size, *index[size]) for size in SIZES if index and size in index
        }
    return result


def best_rendition(available, size):
    """``size`` if it exists, else the next smaller one, else the next larger; or ``None``.

    The social card stands in for no other size: its crop leaves part of the photo out.
    """
    if size in available:
        return available[size]
    if size == SOCIAL:
        return None
    order = list(WIDTHS)
    position = order.index(size)
    for candidate in [*reversed(order[:position]), *order[position + 1 :]]:
        if candidate in available:
            return available[candidate]
    return None


# Making them when a photo is saved -------------------------------------------------


def _photo_saved(sender, instance, raw=False, **kwargs):
    # Fixtures and restores load rows before (or without) their files: make_renditions then.
    if raw or not instance.image:
        return
    generate_renditions.enqueue(instance.image.name)


def connect():
    post_save.connect(_photo_saved, sender=Photo, dispatch_uid="newsroom-photo-renditions")
