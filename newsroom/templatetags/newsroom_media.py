"""Media in templates.

``{% picture photo as image %}``: ``image`` is a ``newsroom.site.media.Picture``
(``src``, ``srcset``, ``webp_srcset``, ``sizes``, ``width``, ``height``,
``social_url``), made of renditions only, or ``None`` while the photo has none yet.
Its addresses are public when the photo's release is public now, and signed for a
short time otherwise (previews and share links).

``{{ document.file|public_url }}``: the lasting address of a file a public page shows
(a public record's portrait or document), also on S3, where ``.url`` would expire.
"""

from django import template

from newsroom.site.media import PAGE_SIZES, media_url
from newsroom.site.media import picture as picture_of

register = template.Library()


@register.simple_tag
def picture(photo, sizes=PAGE_SIZES):
    if not photo:  # "" when the template named a photo that is not there
        return None
    return picture_of(photo, public=photo.release.is_public(), sizes=sizes)


@register.filter
def public_url(file):
    return media_url(file, public=True) if file else ""
