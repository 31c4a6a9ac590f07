"""Dates written the way each language's press writes them.

Django's own English DATE_FORMAT is "N j, Y"; the press office writes
"9 June 2018", and every English page keeps that. Russian puts the month in the
genitive after a day or a preposition ("9 июня 2018", "с апреля 2005"), which
the "E" format character gives; Chinese writes dates with digits and 年, 月, 日.
"""

import functools

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import get_language

ENGLISH = "en"
YEAR_FORMATS = {"en": "Y", "ru": "Y", "zh-hans": "Y年"}
DAY_FORMATS = {"en": "j F Y", "ru": "j E Y", "zh-hans": "Y年n月j日"}
MONTH_FORMATS = {"en": "F Y", "ru": "F Y", "zh-hans": "Y年n月"}
# A month after "since" or "until": the genitive in Russian.
MONTH_AFTER_PREPOSITION_FORMATS = {"en": "F Y", "ru": "E Y", "zh-hans": "Y年n月"}


def _format_for(formats):
    return formats.get(get_language() or ENGLISH, formats[ENGLISH])


def long_date(value):
    """A day in the active language: "9 June 2018", "9 июня 2018", "2018年6月9日"."""
    return date_format(value, _format_for(DAY_FORMATS))


@functools.lru_cache(maxsize=4096)
def long_date_in(language, value):
    """``long_date`` in ``language``, whatever the active one. Kept: a page writes a
    dateline for each release it links to, and switching languages is not free."""
    with translation.override(language):
        return long_date(value)


def month_year(value, *, after_preposition=False):
    """A month in the active language: "June 2018", "Июнь 2018", "2018年6月"."""
    formats = MONTH_AFTER_PREPOSITION_FORMATS if after_preposition else MONTH_FORMATS
    return date_format(value, _format_for(formats))


def year(value):
    """A year on its own in the active language: "2005", "2005年"."""
    return date_format(value, _format_for(YEAR_FORMATS))


def format_site_time(value):
    """A moment in the site's time zone, with the zone named: “9 June 2018, 14:00 (UTC)”."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{date_format(local, 'j F Y, H:i')} ({timezone.get_current_timezone_name()})"
