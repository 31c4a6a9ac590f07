"""Names in the site's languages, with English as the fallback.

A translated attribute is stored once per language: the English text in the
field itself (``name``), the others beside it (``name_ru``, ``name_zh_hans``).
``localised(record, "name")`` reads the active language's text and falls back
to English when it is empty, so pages, feeds, the API and JSON-LD name a record
as readers of that language know it.
"""

from django.conf import settings
from django.utils import translation

DEFAULT_LANGUAGE = "en"
# The suffix of each other language's column: ``zh-hans`` is ``_zh_hans``.
SUFFIXES = {
    code: code.replace("-", "_") for code, _name in settings.LANGUAGES if code != DEFAULT_LANGUAGE
}


def translated_names(field):
    """The columns holding ``field`` in the languages other than English."""
    return [f"{field}_{suffix}" for suffix in SUFFIXES.values()]


def all_names(field):
    """``field`` and its translated columns: every language's column, English first."""
    return [field, *translated_names(field)]


def localised(record, field, language=None):
    """``record``'s ``field`` in ``language`` (the active one by default), else in English."""
    suffix = SUFFIXES.get(language or translation.get_language() or DEFAULT_LANGUAGE)
    if suffix:
        value = getattr(record, f"{field}_{suffix}", "")
        if value:
            return value
    return getattr(record, field)


def has_translation(record, field, language=None):
    """Whether ``field`` has its own text in ``language`` (English always has)."""
    suffix = SUFFIXES.get(language or translation.get_language() or DEFAULT_LANGUAGE)
    return not suffix or bool(getattr(record, f"{field}_{suffix}", ""))


TRANSLATION_HELP = "Leave empty to show the English."
