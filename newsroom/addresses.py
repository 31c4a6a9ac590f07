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
    return _address(*reversing_under(language), viewname, tuple(sorted(kwargs.items())))


def reversing_under(language):
    """What an address depends on besides its name and arguments: the URLconf and the
    script prefix, which ``reverse`` reads from the active thread, and the language."""
    return (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), language)


@functools.lru_cache(maxsize=8192)
def _address(urlconf, script_prefix, language, viewname, kwargs):
    # The script prefix is part of the key only; the language's prefix is put in place
    # by activating it.
    with translation.override(language):
        return reverse(viewname, urlconf=urlconf, kwargs=dict(kwargs))
