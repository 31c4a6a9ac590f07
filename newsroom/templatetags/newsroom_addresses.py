"""``{% address "newsroom:feeds" %}``: ``{% url %}`` for the site's own pages, each
address worked out once (``newsroom.addresses``)."""

from django import template

from newsroom.addresses import address as kept_address

register = template.Library()


@register.simple_tag
def address(viewname, **kwargs):
    return kept_address(viewname, **kwargs)
