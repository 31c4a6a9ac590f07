"""Protections that apply to every request; the middleware is listed in ``settings.MIDDLEWARE``."""

import base64
import hashlib
import re
from functools import cache

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpResponseNotAllowed

# The methods of RFC 9110 the site's views know how to refuse or answer. TRACE echoes
# the request (cookies included) back; CONNECT and made-up methods have no meaning here.
KNOWN_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

# Methods that only read: CSRF protection never compares their Host with an Origin.
READING_METHODS = ("GET", "HEAD", "OPTIONS")


class KnownMethodsMiddleware:
    """Answer 405 to TRACE, CONNECT and unknown methods on every URL."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in KNOWN_METHODS:
            return HttpResponseNotAllowed(KNOWN_METHODS)
        return self.get_response(request)


class SiteURLMiddleware:
    """Answer reading requests as if they came to ``settings.SITE_URL``.

    Feeds, the sitemap, the API, canonical links and share links build absolute
    URLs from the request (``build_absolute_uri``, ``get_host``, ``scheme``);
    with ``SITE_URL`` set, those all name the public address, whatever Host or
    X-Forwarded-Proto the request carried. The request's own Host must still be
    one of ALLOWED_HOSTS. Requests that change something keep their real host,
    because CSRF protection compares it with the browser's Origin.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SITE_URL and request.method in READING_METHODS:
            # Raises DisallowedHost (400) for a Host outside ALLOWED_HOSTS.
            request.get_host()
            scheme, host = settings.SITE_URL.split("://", 1)
            request.META["HTTP_HOST"] = host
            request.META.pop("HTTP_X_FORWARDED_HOST", None)
            request.META["wsgi.url_scheme"] = scheme
            if settings.SECURE_PROXY_SSL_HEADER:
                header, secure_value = settings.SECURE_PROXY_SSL_HEADER
                request.META[header] = secure_value if scheme == "https" else scheme
        return self.get_response(request)


def admin_prefix():
    return f"/{settings.ADMIN_PATH}"


@cache
def prose_editor_importmap_hash():
    """The CSP hash of the import map the body editor puts inline on the admin's pages.

    Browsers apply script-src to inline import maps; the editor's modules load by
    the names the map gives them. The map only names the editor's static files, so
    its text is the same on every page of one deployment.
    """
    from django_prose_editor.widgets import prose_editor_admin_media, prose_editor_media

    media = prose_editor_media(base=prose_editor_admin_media, preset="configurable")
    [element] = media.render_importmap()
    text = re.fullmatch(r"<script[^>]*>(.*)</script>", str(element), re.DOTALL).group(1)
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return f"'sha256-{digest}'"


def admin_directives():
    return {
        "script-src": [SELF, prose_editor_importmap_hash()],
        # The body editor (Tiptap) adds <style> elements and style attributes while it
        # runs, and offers no way to give them a nonce from Django's side; Django's own
        # change list adds a <style> block to lists without actions. Styles cannot run
        # code, and the admin escapes everything it shows, so inline styles are allowed
        # here, and only here.
        "style-src": [SELF, UNSAFE_INLINE],
    }


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's wider policy under ``ADMIN_PATH``."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(admin_prefix()):
            parts.replace = {**admin_directives(), **(parts.replace or {})}
        return parts


class PermissionsPolicyMiddleware:
    """Switch off browser features the site never uses (``settings.PERMISSIONS_POLICY``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
