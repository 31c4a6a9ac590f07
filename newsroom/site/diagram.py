"""The relations diagram of an organisation page, drawn as inline SVG on the server.

The organisation heads the diagram. A trunk runs down from it on the left, and
each neighbour (its parent, its relations, its bodies) hangs off the trunk on a
branch: a box to the right with the words of the relation above it. Lines run
only left of the boxes and words, so no text ever sits on a line, and names and
words wrap onto further lines instead of being cut.

The drawing is ``WIDTH`` units wide and the page shows it at one unit per CSS
pixel, so its text keeps its size: it fits a 360 px screen, and on a narrower
one it scrolls rather than shrinks. The server cannot measure text, so widths
are estimated generously for the widest common faces (DejaVu Sans, CJK fonts).
"""

import functools
import unicodedata

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

WIDTH = 320
TRUNK_X = 12
BOX_X = 30
PADDING = 10
NAME_SIZE = 14
NAME_LINE = 18
NAME_LINES = 4
CENTRE_SIZE = 15
CENTRE_LINE = 20
LABEL_SIZE = 13
LABEL_LINE = 16
LABEL_LINES = 3
# Space between one branch and the next, and between a label and its box.
GAP = 14
LABEL_GAP = 3

# Share of the font size a character takes, by kind, in DejaVu Sans, the widest of the
# common faces; bold text is wider still, and a margin covers what the estimate misses.
NARROW = set("fijlrtI.,:;'!|()[]")
WIDE = set("mwMW@%—")
BOLD = 1.17
MARGIN = 1.05


def is_wide(char):
    """Whether ``char`` is a wide (CJK) character, which lines may break before or after."""
    return unicodedata.east_asian_width(char) in ("W", "F")


@functools.lru_cache(maxsize=4096)
def char_width(char):
    """The share of the font size ``char`` takes; kept, as a diagram measures every label."""
    if is_wide(char):
        return 1.0
    if char.isspace():
        return 0.32
    if char in NARROW:
        return 0.34
    if char in WIDE:
        return 0.92
    if char.isupper():
        return 0.72
    if char.isdigit() or "\u0400" <= char <= "\u04ff":
        return 0.64
    return 0.6


def text_width(text, size, bold=False):
    return sum(char_width(char) for char in text) * size * (BOLD if bold else 1) * MARGIN


def words_of(text):
    """Words with the space after them; each wide character is a word of its own."""
    words, current = [], ""
    for char in text:
        if char.isspace():
            words.append(current + " ")
            current = ""
        elif is_wide(char):
            words += [current, char]
            current = ""
        else:
            current += char
    words.append(current)
    return [word for word in words if word.strip()]


def split_word(word, size, width, bold=False):
    """A word too wide for a line as pieces that fit, each at least one character."""
    pieces = []
    while len(word) > 1 and text_width(word.rstrip(), size, bold) > width:
        cut = 1
        while text_width(word[: cut + 1], size, bold) <= width:
            cut += 1
        pieces.append(word[:cut])
        word = word[cut:]
    return [*pieces, word]


def wrap(text, size, width, max_lines, bold=False):
    """``text`` in lines no wider than ``width``; the last one ends in "…" if it is cut."""
    lines, line = [], ""
    for word in words_of(" ".join(text.split())):
        if text_width((line + word).rstrip(), size, bold) <= width:
            line += word
            continue
        if line:
            lines.append(line.rstrip())
        *whole_lines, line = split_word(word, size, width, bold)
        lines += whole_lines
    if line.strip():
        lines.append(line.rstrip())
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and text_width(last.rstrip() + "…", size, bold) > width:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last.rstrip() + "…"]
    return lines


def relation_label(relation):
    """The kind of a relation and the time it held, at the precision known."""
    kind = relation.get_kind_display()
    since, until = relation.since_display, relation.until_display
    if since and until:
        return _("%(kind)s from %(since)s to %(until)s") % {
            "kind": kind,
            "since": since,
            "until": until,
        }
    if since:
        return _("%(kind)s since %(since)s") % {"kind": kind, "since": since}
    if until:
        return _("%(kind)s until %(until)s") % {"kind": kind, "until": until}
    return kind


def text_lines(lines, *, x, top, size, line_height, css_class):
    """A ``<text>`` of one ``<tspan>`` per line, the first line's box starting at ``top``."""
    # The baseline sits where a line box of ``line_height`` centres a glyph of ``size``.
    first = top + (line_height - size) / 2 + 0.8 * size
    return format_html(
        '<text class="{}" x="{}" font-size="{}">{}</text>',
        css_class,
        x,
        size,
        format_html_join(
            "",
            '<tspan x="{}" y="{}">{}</tspan>',
            ((x, round(first + index * line_height, 1), line) for index, line in enumerate(lines)),
        ),
    )


def box(target, *, x, top, width, lines, size, line_height, css_class):
    """A linked box naming ``target``; the link's name is the full name, however it wraps."""
    height = len(lines) * line_height + 2 * PADDING
    drawing = format_html(
        '<a href="{}"><title>{}</title><g class="{}">'
        '<rect x="{}" y="{}" width="{}" height="{}" rx="6"></rect>{}</g></a>',
        target.get_absolute_url(),
        target.local_name,
        css_class,
        x,
        top,
        width,
        height,
        text_lines(
            lines,
            x=x + PADDING,
            top=top + PADDING,
            size=size,
            line_height=line_height,
            css_class="name",
        ),
    )
    return drawing, height


def relation_diagram(organisation, relations, *, parent, bodies):
    """SVG showing ``organisation`` at the head, with its parent, relations and bodies below.

    ``relations`` are ``(relation, counterpart)`` pairs. The caller passes only
    what the page may show: the diagram draws every record it is given, and
    reads no relation of its own, so a hidden one cannot slip in.
    Each neighbour is a link to its page; the words above it say how it is
    related: the kind of relation and its dates at the precision known.
    """
    branches = []
    if parent is not None:
        branches.append((_("Part of"), parent))
    for relation, counterpart in relations:
        branches.append((relation_label(relation), counterpart))
    for index, body in enumerate(bodies):
        # One heading over the bodies, which follow one another.
        branches.append((_("Bodies") if index == 0 else "", body))
    if not branches:
        return ""

    centre_lines = wrap(
        organisation.local_name, CENTRE_SIZE, WIDTH - 2 - 2 * PADDING, NAME_LINES, bold=True
    )
    head, bottom = box(
        organisation,
        x=1,
        top=1,
        width=WIDTH - 2,
        lines=centre_lines,
        size=CENTRE_SIZE,
        line_height=CENTRE_LINE,
        css_class="node centre",
    )
    parts, lines = [head], []
    y = 1 + bottom
    box_width = WIDTH - BOX_X - 1
    inner = box_width - 2 * PADDING
    for label, other in branches:
        y += GAP
        if label:
            label_lines = wrap(label, LABEL_SIZE, box_width, LABEL_LINES)
            parts.append(
                text_lines(
                    label_lines,
                    x=BOX_X,
                    top=y,
                    size=LABEL_SIZE,
                    line_height=LABEL_LINE,
                    css_class="label",
                )
            )
            y += len(label_lines) * LABEL_LINE + LABEL_GAP
        drawing, height = box(
            other,
            x=BOX_X,
            top=y,
            width=box_width,
            lines=wrap(other.local_name, NAME_SIZE, inner, NAME_LINES),
            size=NAME_SIZE,
            line_height=NAME_LINE,
            css_class="node",
        )
        parts.append(drawing)
        middle = round(y + height / 2, 1)
        lines.append((TRUNK_X, middle, BOX_X, middle))
        y += height
    trunk = (TRUNK_X, 1 + bottom, TRUNK_X, lines[-1][1])
    height = round(y + 1)

    return format_html(
        '<svg class="relations-diagram" width="{}" height="{}" viewBox="0 0 {} {}" '
        'aria-labelledby="diagram-title" xmlns="http://www.w3.org/2000/svg">'
        '<title id="diagram-title">{}</title>'
        '<g class="links">{}</g>{}</svg>',
        WIDTH,
        height,
        WIDTH,
        height,
        _("Relations of %(name)s") % {"name": organisation.local_name},
        format_html_join("", '<line x1="{}" y1="{}" x2="{}" y2="{}"></line>', [trunk, *lines]),
        format_html_join("", "{}", ((part,) for part in parts)),
    )
