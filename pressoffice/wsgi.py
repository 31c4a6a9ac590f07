"""WSGI entry point for gunicorn: production settings unless told otherwise."""

import os
import sys

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pressoffice.settings.production")

try:
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
except ImproperlyConfigured as error:
    # One line that names the missing variable, not a traceback.
    sys.stderr.write(f"pressoffice: {error}\n")
    raise SystemExit(1) from None
