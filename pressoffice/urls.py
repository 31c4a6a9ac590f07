from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView, TemplateView

from newsroom.site import media, sitemaps
from newsroom.site.cache import cached_public_page
from pressoffice import security

ADMIN = settings.ADMIN_PATH


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico on pages that name no icon, the admin's among them."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("img/favicon.ico")


urlpatterns = [
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    # Password reset by e-mail for staff; the admin's sign-in page links to it by name.
    # Before the admin's own URLs, whose catch-all would take these paths.
    path(
        f"{ADMIN}password-reset/",
        security.PasswordResetView.as_view(),
        name="admin_password_reset",
    ),
    path(
        f"{ADMIN}password-reset/sent/",
        security.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        f"{ADMIN}password-reset/<uidb64>/<token>/",
        security.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        f"{ADMIN}password-reset/done/",
        security.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(ADMIN, admin.site.urls),
    path("preview/", include("newsroom.site.preview_urls")),
    path("sitemap.xml", cached_public_page(sitemaps.sitemap), name="sitemap"),
    path(
        "sitemap-<section>.xml",
        cached_public_page(sitemaps.sitemap_section),
        name="sitemap_section",
    ),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
]

# Public pages in English at the root, other languages under /ru/ and /zh-hans/.
urlpatterns += i18n_patterns(
    path("", include("newsroom.site.urls")),
    prefix_default_language=False,
)

# Uploaded files, in every mode, each as its record's visibility allows.
urlpatterns += [
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media.serve_media, name="media"),
]

# A database outage is a 503 with Retry-After, not a 500 (newsroom.site.availability).
handler500 = "newsroom.site.availability.server_error"
