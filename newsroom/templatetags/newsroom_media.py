"""Photos in templates, as renditions only: ``{% picture photo as image %}``.

``image`` is a ``newsroom.site.media.Picture`` (``src``, ``srcset``, ``webp_srcset``,
``sizes``, ``width``, ``height``, ``social_url``), or ``None`` while the photo has no
rendition yet. Addresses are public when the photo's release is public now, and
signed for a short time otherwise (previews and share links).
"""

from django import template

from newsroom.site.media import PAGE_SIZES
from newsroom.site.media import picture as picture_of

register = template.Library()


@register.simple_tag
def picture(photo, sizes=PAGE_SIZES):
    if photo is None:
        return None
    return picture_of(photo, public=photo.release.is_public(), sizes=sizes)
