"""The language switcher and the page's ``hreflang`` alternates.

Each language is named in itself. A link leads to the same page in that
language; on a release page (whose context gives ``language_versions``) to the
release's public version in that language, or that language's news list when
there is none.
"""

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import translation

register = template.Library()


def _same_page(request, language):
    """The current address under ``language``'s prefix; None where no page answers.

    Asked for each language by the switcher and again by the alternates: worked
    out once a request, from the view the request was resolved to.
    """
    found = request.__dict__.setdefault("_newsroom_same_page", {})
    if language not in found:
        found[language] = _translated(request, language)
    return found[language]


def _translated(request, language):
    """What Django's ``translate_url`` makes of the request's address, without
    resolving it again."""
    match = request.resolver_match
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
    full_path = request.get_full_path()
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    with translation.override(language):
        try:
            path = reverse(name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return full_path
    _path, mark, query = full_path.partition("?")
    return f"{path}{mark}{query}"


def _is_error_page(context):
    # Django's 404 view gives its template these two and nothing else: the
    # address may name something hidden, so no link repeats it.
    return "exception" in context and "request_path" in context


@register.simple_tag(takes_context=True)
def language_links(context):
    """``{"code", "name", "url", "current"}`` for each language of the site."""
    request = None if _is_error_page(context) else context.get("request")
    versions = context.get("language_versions")
    current = translation.get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        if versions is not None:
            url = versions.get(code)
        else:
            url = _same_page(request, code) if request is not None else None
        if url is None:
            fallback = "newsroom:news_list" if versions is not None else "newsroom:home"
            with translation.override(code):
                url = reverse(fallback)
        links.append(
            {
                "code": code,
                "name": translation.get_language_info(code)["name_local"],
                "url": url,
                "current": code == current,
            }
        )
    return links


@register.simple_tag(takes_context=True)
def page_alternates(context):
    """(language, absolute address) of this page in each language; none for a page
    that answers nothing (a 404) or that is not under the language prefixes."""
    request = None if _is_error_page(context) else context.get("request")
    if request is None or _same_page(request, settings.LANGUAGE_CODE) is None:
        return []
    if request.resolver_match is None or request.resolver_match.namespace != "newsroom":
        return []
    return [
        (code, request.build_absolute_uri(_same_page(request, code)))
        for code, _name in settings.LANGUAGES
    ]


@register.filter
def language_name(code):
    """A language named in itself: “English”, “Русский”, “简体中文”."""
    return translation.get_language_info(code)["name_local"]
