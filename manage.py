#!/usr/bin/env python
"""Django's command-line utility; development settings unless told otherwise."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pressoffice.settings.development")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        # A configuration mistake is one line naming the variable, not a traceback.
        sys.stderr.write(f"pressoffice: {error}\n")
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
