"""Protections that apply to every request, and the staff sign-in's lock-out and password reset.

The middleware here is listed in ``settings.MIDDLEWARE``; ``client_ip`` and
``locked_out`` are django-axes hooks (``AXES_CLIENT_IP_CALLABLE``,
``AXES_LOCKOUT_CALLABLE``); the password reset views are mounted under the admin's
path in ``pressoffice/urls.py``.
"""

import base64
import hashlib
import ipaddress
import math
import re
from functools import cache

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.utils import reset as reset_failed_logins
from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import reverse

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


def client_ip(request):
    """The address a sign-in attempt came from, for the lock-out.

    Behind the trusted proxy that is the last X-Forwarded-For entry, the one the
    proxy added; entries before it were written by the client and prove nothing.
    """
    if settings.TRUSTED_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR")


def locked_out(request, original_response=None, credentials=None):
    """The page a locked-out sign-in gets, in the admin's look (HTTP 429)."""
    cool_off = get_cool_off(request)
    context = {
        **admin.site.each_context(request),
        "title": "Sign-in blocked",
        "username": get_client_username(request, credentials) or "",
        "failure_limit": get_failure_limit(request, credentials),
        "cool_off_minutes": math.ceil(cool_off.total_seconds() / 60) if cool_off else None,
        "password_reset_url": reverse("admin_password_reset"),
    }
    response = render(request, "admin/locked_out.html", context, status=429)
    if cool_off:
        response["Retry-After"] = str(math.ceil(cool_off.total_seconds()))
    return response


def admin_page_context():
    return {
        "site_header": admin.site.site_header,
        "site_title": admin.site.site_title,
        "site_url": admin.site.site_url,
    }


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset by e-mail, in the admin's look, with links to ``SITE_URL``."""

    @property
    def extra_context(self):
        return admin_page_context()

    @property
    def extra_email_context(self):
        # The link in the mail leads to the public address, not to whatever Host the
        # form was posted to.
        if not settings.SITE_URL:
            return None
        scheme, host = settings.SITE_URL.split("://", 1)
        return {"protocol": scheme, "domain": host, "site_name": host}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    @property
    def extra_context(self):
        return admin_page_context()


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    @property
    def extra_context(self):
        return admin_page_context()

    def form_valid(self, form):
        # Whoever can read the account's mail may sign in again at once, also from an
        # address that was locked out after failed attempts.
        response = super().form_valid(form)
        reset_failed_logins(username=form.user.get_username())
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    @property
    def extra_context(self):
        return admin_page_context()
