"""The entries of a sitemap file (``newsroom.site.sitemaps.url_entries``)."""

from django import template

from newsroom.site.sitemaps import url_entries

register = template.Library()
register.filter("url_entries", url_entries)
