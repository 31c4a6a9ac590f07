"""The one HTML allowlist for release bodies.

Every path that stores a body (admin, importer, shell, fixtures saved through
the ORM) goes through ``PressRelease.save()``, which calls ``clean_body_html``.
"""

import nh3

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "ul", "ol", "li", "a", "strong", "em", "b", "i", "u",
    "s", "sub", "sup", "blockquote", "table", "thead", "tbody", "tfoot", "tr", "th", "td",
    "caption", "hr", "abbr", "cite", "q", "figure", "figcaption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
    "blockquote": {"cite"},
    "q": {"cite"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def clean_body_html(html):
    """Return ``html`` reduced to what a press release may contain."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()
