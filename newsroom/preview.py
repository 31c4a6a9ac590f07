"""Previews of releases in the public template, for staff and for outside reviewers.

Staff preview any release from its admin page. A share link lets someone
without an account read one release before it is public: the address carries
a signed token, the link expires at a time the editor chose, it can be
revoked, and it shows that release only, never cached and never indexed.
"""

from django.core import signing
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_safe

from .models import PressRelease, ShareLink
from .views import release_page_context

SHARE_SALT = "newsroom.share-link"


def preview_context(release, request=None):
    """The public page's context for ``release``, marked as a preview."""
    return {**release_page_context(release, request=request), "is_preview": True}


def render_preview(request, release):
    response = render(request, "newsroom/release_detail.html", preview_context(release, request))
    add_never_cache_headers(response)
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def share_token(link):
    return signing.Signer(salt=SHARE_SALT).sign(link.token.hex)


def share_url(link):
    return reverse("preview:shared_release", kwargs={"token": share_token(link)})


@require_safe
def shared_release(request, token):
    try:
        value = signing.Signer(salt=SHARE_SALT).unsign(token)
    except signing.BadSignature:
        raise Http404("No such preview.") from None
    link = ShareLink.objects.filter(token=value).first() if len(value) == 32 else None
    if link is None or not link.is_valid():
        raise Http404("No such preview.")
    release = PressRelease.objects.get(pk=link.release_id)
    return render_preview(request, release)
