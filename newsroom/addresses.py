"""The site's addresses, each worked out once.

``reverse`` walks the URLconf on every call, and a page names a few dozen
addresses: the navigation's, its releases', their organisations' and topics'.
An address depends only on the URLconf, the script prefix, the language (its
prefix) and the name and arguments, so each is kept under those.
"""

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language


def address(viewname, **kwargs):
    """``reverse(viewname, kwargs=kwargs)``, kept."""
    return _address(
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
        get_language(),
        viewname,
        tuple(sorted(kwargs.items())),
    )


@functools.lru_cache(maxsize=8192)
def _address(urlconf, script_prefix, language, viewname, kwargs):
    # The arguments besides the name and keywords are what ``reverse`` reads from the
    # active thread: part of the key only.
    return reverse(viewname, urlconf=urlconf, kwargs=dict(kwargs))
