"""The staff admin: releases with their workflow, imports and share links; reference data."""

from . import reference, releases  # noqa: F401  (registers the model admins)
