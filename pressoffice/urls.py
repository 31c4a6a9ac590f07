from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("preview/", include("newsroom.preview_urls")),
]

# Public pages in English at the root, other languages under /ru/ and /zh-hans/.
urlpatterns += i18n_patterns(
    path("", include("newsroom.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
