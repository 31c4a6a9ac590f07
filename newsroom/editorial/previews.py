"""Share links: signed addresses that let someone outside the office read one release.

A link's address carries a signed token; the link works until the time the
editor chose, until it is revoked, or until its release is withdrawn. The
page itself is rendered by the public site (``newsroom.site.previews``).
"""

from django.core import signing
from django.urls import reverse

from newsroom.models import ShareLink

SHARE_SALT = "newsroom.share-link"


def share_token(link):
    return signing.Signer(salt=SHARE_SALT).sign(link.token.hex)


def share_url(link):
    return reverse("preview:shared_release", kwargs={"token": share_token(link)})


def shared_link(token, now=None):
    """The working share link ``token`` stands for, or ``None``."""
    try:
        value = signing.Signer(salt=SHARE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    if len(value) != 32:
        return None
    link = ShareLink.objects.select_related("release").filter(token=value).first()
    if link is None or not link.is_valid(now=now):
        return None
    return link
