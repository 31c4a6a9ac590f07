"""Static files as production serves them: hashed, immutable, and compressed both ways."""

import pytest
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from whitenoise.middleware import WhiteNoiseMiddleware

PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root, STORAGES=PRODUCTION_STORAGES):
        call_command("collectstatic", "--noinput", "-v0")
        from django.contrib.staticfiles.storage import staticfiles_storage

        staticfiles_storage._setup()
        yield root, staticfiles_storage.stored_name("css/site.css")


def serve(root, name, accept_encoding):
    with override_settings(STATIC_ROOT=root, STORAGES=PRODUCTION_STORAGES, DEBUG=False):
        middleware = WhiteNoiseMiddleware(lambda request: HttpResponse(status=404))
        request = RequestFactory().get(f"/static/{name}", HTTP_ACCEPT_ENCODING=accept_encoding)
        return middleware(request)


def test_collectstatic_writes_a_brotli_and_a_gzip_variant_of_each_text_file(collected):
    root, name = collected
    assert (root / name).exists()
    assert (root / f"{name}.br").exists()
    assert (root / f"{name}.gz").exists()
    assert (root / f"{name}.br").stat().st_size < (root / f"{name}.gz").stat().st_size


@pytest.mark.parametrize(
    ("accept_encoding", "encoding"), [("gzip, deflate, br", "br"), ("gzip", "gzip"), ("", None)]
)
def test_each_browser_gets_the_variant_it_accepts_cached_for_good(
    collected, accept_encoding, encoding
):
    root, name = collected
    response = serve(root, name, accept_encoding)
    assert response.status_code == 200
    assert response.get("Content-Encoding") == encoding
    assert "immutable" in response["Cache-Control"]
    assert "Accept-Encoding" in response["Vary"]
