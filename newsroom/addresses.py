"""The site's addresses, each worked out once.

``reverse`` walks the URLconf on every call, and a page names a few dozen
addresses: the navigation's, its releases', their organisations' and topics'.
An address depends only on the URLconf, the script prefix, the language (its
prefix) and the name and arguments, so each is kept under those.
"""

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation


def address(viewname, **kwargs):
    """``reverse(viewname, kwargs=kwargs)``, kept."""
    return address_in(translation.get_language(), viewname, **kwargs)


def address_in(language, viewname, **kwargs):
    """The address under ``language``'s prefix: what ``reverse`` gives with ``language``
    active, without activating it when the address is known (a sitemap names a thousand
    releases, each in its own language)."""
    return _address(
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
        language,
        viewname,
        tuple(sorted(kwargs.items())),
    )


@functools.lru_cache(maxsize=8192)
def _address(urlconf, script_prefix, language, viewname, kwargs):
    # The URLconf and script prefix are what ``reverse`` reads from the active thread:
    # part of the key only. The language's prefix is put in place by activating it.
    if language == translation.get_language():
        return reverse(viewname, urlconf=urlconf, kwargs=dict(kwargs))
    with translation.override(language):
        return reverse(viewname, urlconf=urlconf, kwargs=dict(kwargs))
