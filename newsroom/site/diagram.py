"""The relations diagram of an organisation page, drawn as inline SVG on the server."""

import math

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

WIDTH = 720
NODE_WIDTH = 170
NODE_HEIGHT = 34
LABEL_CHARS = 22


def _short(text, limit=LABEL_CHARS):
    return text if len(text) <= limit else text[: limit - 1] + "…"


def relation_diagram(organisation, relations, *, parent, bodies):
    """SVG showing ``organisation`` at the centre, linked to its relations, parent and bodies.

    ``relations`` are ``(relation, counterpart)`` pairs. The caller passes only
    what the page may show: the diagram draws every record it is given, and
    reads no relation of its own, so a hidden one cannot slip in.
    Each neighbour is a link to its page; each line carries the kind of the
    relation and its since-date at the precision known.
    """
    neighbours = []
    for relation, counterpart in relations:
        label = relation.get_kind_display()
        if relation.since_display:
            label = _("%(kind)s since %(since)s") % {"kind": label, "since": relation.since_display}
        neighbours.append((counterpart, label))
    if parent is not None:
        neighbours.append((parent, _("Part of")))
    for body in bodies:
        neighbours.append((body, _("Body")))
    if not neighbours:
        return ""

    radius_x, radius_y = 250, 40 + 22 * min(len(neighbours), 8)
    height = 2 * radius_y + NODE_HEIGHT + 60
    centre_x, centre_y = WIDTH / 2, height / 2
    lines, labels, nodes = [], [], []
    for index, (other, label) in enumerate(neighbours):
        angle = -math.pi / 2 + 2 * math.pi * index / len(neighbours)
        x = centre_x + radius_x * math.cos(angle)
        y = centre_y + radius_y * math.sin(angle)
        lines.append((centre_x, centre_y, round(x, 1), round(y, 1)))
        labels.append(
            (round((centre_x + x) / 2, 1), round((centre_y + y) / 2 - 4, 1), _short(label, 32))
        )
        nodes.append((other, x, y))

    def node(target, x, y, css_class):
        return format_html(
            '<a href="{}"><g class="{}"><title>{}</title>'
            '<rect x="{}" y="{}" width="{}" height="{}" rx="6"></rect>'
            '<text x="{}" y="{}" text-anchor="middle">{}</text></g></a>',
            target.get_absolute_url(),
            css_class,
            target.name,
            round(x - NODE_WIDTH / 2, 1),
            round(y - NODE_HEIGHT / 2, 1),
            NODE_WIDTH,
            NODE_HEIGHT,
            round(x, 1),
            round(y + 5, 1),
            _short(target.display_name),
        )

    return format_html(
        '<svg class="relations-diagram" viewBox="0 0 {} {}" '
        'aria-labelledby="diagram-title" xmlns="http://www.w3.org/2000/svg">'
        '<title id="diagram-title">{}</title>'
        '<g class="links">{}</g><g class="link-labels">{}</g>{}{}</svg>',
        WIDTH,
        round(height),
        _("Relations of %(name)s") % {"name": organisation.name},
        format_html_join("", '<line x1="{}" y1="{}" x2="{}" y2="{}"></line>', lines),
        format_html_join("", '<text x="{}" y="{}" text-anchor="middle">{}</text>', labels),
        node(organisation, centre_x, centre_y, "node centre"),
        format_html_join("", "{}", ((node(o, x, y, "node"),) for o, x, y in nodes)),
    )
