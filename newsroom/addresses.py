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


def address_with_slug(language, viewname, slug):
    """``address_in(language, viewname, slug=slug)``, reversed once for each language and
    view with a stand-in slug that the slug then replaces: an archive has more
    releases than ``address_in`` keeps addresses, and a sitemap names fifty thousand."""
    head, tail = _around_slug(*reversing_under(language), viewname)
    return f"{head}{slug}{tail}"


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


# A slug (``[-a-zA-Z0-9_]+``) is put in an address as it is: ``reverse`` quotes nothing in it.
STAND_IN_SLUG = "slug-stand-in"


@functools.lru_cache(maxsize=256)
def _around_slug(urlconf, script_prefix, language, viewname):
    head, tail = _address(
        urlconf, script_prefix, language, viewname, (("slug", STAND_IN_SLUG),)
    ).split(STAND_IN_SLUG)
    return head, tail
