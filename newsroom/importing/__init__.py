"""Turning the office's plain-text documents into linked draft releases.

``parser`` reads one document, ``dateline`` finds its date and place,
``recogniser`` finds the organisations, offices and people it names, and
``service`` writes the draft. The management command and the admin upload
both go through ``service.DocumentImporter``.
"""
