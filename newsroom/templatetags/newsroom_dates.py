"""Template filters for dates in the active language (see ``newsroom.dates``)."""

from django import template

from newsroom import dates

register = template.Library()


# expects_localtime: aware datetimes are shown in the site's time zone, as |date does.
@register.filter(expects_localtime=True)
def long_date(value):
    return dates.long_date(value) if value else ""


@register.filter(expects_localtime=True)
def month_year(value):
    return dates.month_year(value) if value else ""
