"""The site's URLs plus ``/bench/minimal/``: a fixed page through the same middleware.

The minimal view reads nothing and renders nothing, so its throughput is the limit of
the stack itself (gunicorn, the middleware, the network); every page is measured
against it. ``?bytes=N`` sets its size, so it can match the pages it is compared with.
"""

from functools import lru_cache

from django.http import HttpResponse
from django.urls import path

from pressoffice.urls import handler500  # noqa: F401
from pressoffice.urls import urlpatterns as site_urlpatterns

MAX_BYTES = 1_000_000


@lru_cache(maxsize=16)
def fixed_page(size):
    head = "<!DOCTYPE html><html lang=en><head><title>Minimal</title></head><body><p>"
    tail = "</p></body></html>"
    return (head + "x" * max(0, size - len(head) - len(tail)) + tail).encode()


def minimal(request):
    try:
        size = min(max(int(request.GET.get("bytes", "16000")), 0), MAX_BYTES)
    except ValueError:
        size = 16000
    return HttpResponse(fixed_page(size), content_type="text/html; charset=utf-8")


urlpatterns = [path("bench/minimal/", minimal, name="bench_minimal"), *site_urlpatterns]
