"""``{% sitewide %}…{% endsitewide %}``: a part of the page that is the same on every
page, rendered once for each language.

The site's header, navigation and footer name only translated words, the site's
own addresses and static files, yet every page built rendered them again: about
half a millisecond of each. What they show depends on the active language, the
URLconf and the script prefix (addresses), and the settings (static files, the
catalogues): the rendered text is kept under the first three, and forgotten
whenever a setting changes.

Only what is the same for every request may go inside: a variable or a block
there is refused when the template is read.
"""

import itertools

from django import template
from django.core.signals import setting_changed
from django.template.base import VariableNode
from django.template.loader_tags import BlockNode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from newsroom.addresses import reversing_under

register = template.Library()

_numbers = itertools.count()
_rendered = {}
# Reloaded templates in development make new parts; past this many the kept text is
# dropped and rendered again as asked for.
MAX_KEPT = 1024


class SitewideNode(template.Node):
    # Holds no block (``sitewide`` refuses one), so the search for a template's blocks
    # at every render need not look inside.
    child_nodelists = ()

    def __init__(self, nodelist):
        self.nodelist = nodelist
        # A number of its own rather than id(): a freed part's id may be given to a new
        # one, which would then read the old part's text.
        self.number = next(_numbers)

    def render(self, context):
        key = (self.number, *reversing_under(get_language()))
        try:
            return _rendered[key]
        except KeyError:
            pass
        text = mark_safe(self.nodelist.render(context))
        if len(_rendered) >= MAX_KEPT:
            _rendered.clear()
        _rendered[key] = text
        return text


@register.tag
def sitewide(parser, token):
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% sitewide %} takes no arguments.")
    nodelist = parser.parse(("endsitewide",))
    parser.delete_first_token()
    for kind in (VariableNode, BlockNode):
        if nodelist.get_nodes_by_type(kind):
            raise template.TemplateSyntaxError(
                f"{{% sitewide %}} is rendered once for every page: no {kind.__name__} inside it."
            )
    return SitewideNode(nodelist)


def forget_rendered(**kwargs):
    _rendered.clear()


setting_changed.connect(forget_rendered, dispatch_uid="newsroom_sitewide_forget")
