"""Text as the newsroom stores it: no control characters, NFC Unicode, clean bodies, web links.

One ``pre_save`` receiver covers every text field (CharField and TextField, so
also slugs and URLs) of the newsroom's models, topics included. It runs
on every path that saves through the ORM: the admin, the importer, the shell
and fixtures, which ``loaddata`` saves with ``raw=True`` past ``Model.save()``.
``QuerySet.update()`` and ``bulk_create()`` do not send the signal; the code
that uses them copies values that were stored through ``save()``.

- Tab and line feed stay. A vertical tab, form feed or carriage return is a
  line break (``\\r\\n`` is one), stored as a line feed. Every other C0 control
  character, NUL included, and DEL are removed: they mean nothing in a text,
  and XML (feeds, sitemaps) cannot carry them at all.
- Lone surrogates (JSON fixtures can spell them as ``\\ud800``) cannot be
  encoded for the database and become U+FFFD, the replacement character.
- Everything is stored in Unicode normalisation form C, so the same words are
  the same characters whichever keyboard or document they came from.
- A release body goes through the HTML sanitiser after all that, also when a
  fixture or a restored revision saves it raw; then the release's search text
  is written from its title, lead and body (``newsroom.searchtext``).
- URL fields take http and https addresses only.
"""

import re
import unicodedata
from urllib.parse import urlsplit

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import pre_save

from newsroom.sanitize import clean_body_html
from newsroom.searchtext import search_fields

LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c]")
CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
SURROGATES = re.compile(r"[\ud800-\udfff]")
URL_SCHEMES = ("http", "https")
# Named, not imported: the models sit above this module and import it.
RELEASE_MODEL = "newsroom.PressRelease"


def normalise_text(value):
    """``value`` without control characters other than tab and line feed, in NFC."""
    value = LINE_BREAKS.sub("\n", value)
    value = CONTROLS.sub("", value)
    value = SURROGATES.sub("\ufffd", value)
    return unicodedata.normalize("NFC", value)


def normalise_html(html):
    """A release body normalised like any text, then sanitised.

    The sanitiser must have the last word: normalising its output could assemble
    markup it never saw. Removing a control character turns ``java\\x01script:``,
    a harmless relative link to the sanitiser, into a script URL; NFC composes a
    ``>`` that closes a tag with a following U+0338 into one character, "≯",
    and what came after the tag becomes its attributes. So the two run in turn
    until the sanitiser's output is itself normalised (once, for real texts).
    """
    for _ in range(3):
        cleaned = clean_body_html(normalise_text(html))
        if cleaned == html:
            break
        html = cleaned
    return html


def tags_from_string(tagstring):
    """taggit's tag parser (``TAGGIT_TAGS_FROM_STRING``) on normalised input.

    taggit looks for an existing tag by the name as typed before it creates one,
    so a name must be normalised before that look-up: a decomposed "Café" would
    otherwise miss the stored "Café" and then collide with it once normalised.
    """
    from taggit.utils import _parse_tags

    return _parse_tags(normalise_text(tagstring))


def validate_web_url(value):
    """Refuse an address that is not http(s): ``javascript:``, ``data:``, ``ftp:`` and the like."""
    if value and urlsplit(value).scheme.lower() not in URL_SCHEMES:
        raise ValidationError(
            "Enter an address that starts with http:// or https://.", code="url_scheme"
        )


def _text_fields(model):
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
    ]


def normalise_instance(sender, instance, raw=False, **kwargs):
    """The ``pre_save`` receiver: normalise every loaded text field, check URLs and the body."""
    deferred = instance.get_deferred_fields()
    for field in _text_fields(sender):
        if field.attname in deferred:
            continue
        value = getattr(instance, field.attname)
        if not isinstance(value, str):
            continue
        value = normalise_text(value)
        setattr(instance, field.attname, value)
        if isinstance(field, models.URLField):
            try:
                validate_web_url(value)
            except ValidationError as error:
                raise ValidationError(
                    {
                        field.name: f"The {field.verbose_name} of {sender._meta.verbose_name} "
                        f"“{instance}” must start with http:// or https://, not {value[:200]!r}."
                    },
                    code=error.code,
                ) from None
    if sender._meta.concrete_model._meta.label == RELEASE_MODEL and "body" not in deferred:
        instance.body = normalise_html(instance.body)
        if not deferred & {"title", "lead"}:
            for name, value in search_fields(instance.title, instance.lead, instance.body).items():
                setattr(instance, name, value)


def connect():
    for model in apps.get_app_config("newsroom").get_models():
        pre_save.connect(
            normalise_instance, sender=model, dispatch_uid=f"newsroom-text-{model._meta.label}"
        )
        for field in _text_fields(model):
            if isinstance(field, models.URLField) and validate_web_url not in field.validators:
                # Forms run the model field's validators, so the admin shows this as an
                # error on the field instead of failing in the receiver on save. Added to
                # the built list rather than declared on the field: it is one rule for
                # all URL fields, and adds nothing for migrations to record.
                field.validators.append(validate_web_url)
