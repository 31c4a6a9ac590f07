"""Previews of releases in the public template, for staff and for outside reviewers.

Staff preview any release from its admin page; share links
(``newsroom.editorial.previews``) let someone without an account read one
release before it is public. A preview is never cached and never indexed.
"""

from django.http import Http404
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_safe

from newsroom.editorial.previews import shared_link

from .context import release_page_context


def preview_context(release, request=None):
    """The public page's context for ``release``, marked as a preview."""
    return {**release_page_context(release, request=request), "is_preview": True}


def render_preview(request, release):
    response = render(request, "newsroom/release_detail.html", preview_context(release, request))
    add_never_cache_headers(response)
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def shared_release(request, token):
    link = shared_link(token)
    if link is None:
        raise Http404("No such preview.")
    return render_preview(request, link.release)
