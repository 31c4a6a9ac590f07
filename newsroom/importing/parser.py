"""Reading one document in the office's plain-text form.

A document is a title line (sometimes repeated as the next line), then
paragraphs separated by blank lines. Line breaks inside a paragraph are hard
wraps. Only ASCII white space is folded: the texts put no-break spaces between
words on purpose and they are kept.
"""

import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.html import escape

from .dateline import DatelineError, find_date, find_place

DEFAULT_MAX_BYTES = 200_000
TITLE_MAX_CHARS = 300  # PressRelease.title
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
ASCII_SPACE = re.compile(r"[ \t\f\v]+")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


class DocumentError(ValueError):
    """A document that cannot be imported; the message says why, for the report."""


def max_document_bytes():
    return getattr(settings, "NEWSROOM_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


@dataclass(frozen=True)
class ParsedDocument:
    title: str
    paragraphs: tuple
    dateline_date: object
    dateline_place: str
    language: str
    source_hash: str

    @property
    def lead(self):
        return self.paragraphs[0]

    @property
    def body_html(self):
        return "\n".join(f"<p>{escape(paragraph)}</p>" for paragraph in self.paragraphs[1:])

    @property
    def text(self):
        return "\n\n".join((self.title, *self.paragraphs))


def decode(data, max_bytes=None):
    """The text of a document, or ``DocumentError`` saying why it is not one."""
    max_bytes = max_document_bytes() if max_bytes is None else max_bytes
    if len(data) > max_bytes:
        raise DocumentError(f"the file is larger than the limit of {max_bytes:,} bytes")
    if b"\x00" in data:
        raise DocumentError("the file is binary, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DocumentError(
            f"the file is not UTF-8 text (undecodable byte at position {error.start})"
        ) from None
    if CONTROL_CHARACTERS.search(text):
        raise DocumentError("the file is binary, not text (it holds control characters)")
    if not text.strip():
        raise DocumentError("the file is empty")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def fold(line):
    return ASCII_SPACE.sub(" ", line).strip(" ")


def detect_language(text):
    """The language by script: Chinese characters, Cyrillic or Latin letters."""
    counts = {
        "zh-hans": len(CJK.findall(text)),
        "ru": len(CYRILLIC.findall(text)),
        "en": len(LATIN.findall(text)),
    }
    best = max(counts, key=counts.get)
    return best if counts[best] else settings.LANGUAGE_CODE


def split_title(lines):
    """The title and the lines after it, the repeated title line dropped."""
    lines = iter(lines)
    title = next(fold(line) for line in lines if line.strip())
    if len(title) > TITLE_MAX_CHARS:
        raise DocumentError(
            f"no title: the first line has {len(title):,} characters, "
            f"more than a title may have ({TITLE_MAX_CHARS})"
        )
    if not any(character.isalpha() for character in title):
        raise DocumentError("no title: the first line has no words")
    rest = list(lines)
    for index, line in enumerate(rest):
        if line.strip():
            if fold(line) == title:
                del rest[index]
            break
    return title, rest


def split_paragraphs(lines):
    paragraphs, block = [], []
    for line in [*lines, ""]:
        if line.strip():
            block.append(fold(line))
        elif block:
            paragraphs.append(" ".join(block))
            block = []
    return tuple(paragraphs)


def parse_document(data, *, language=None, max_bytes=None):
    """Read a document's bytes into a ``ParsedDocument`` or raise ``DocumentError``."""
    text = decode(data, max_bytes)
    title, rest = split_title(text.split("\n"))
    paragraphs = split_paragraphs(rest)
    if not paragraphs:
        raise DocumentError("nothing follows the title: a release needs at least a lead")
    try:
        dateline_date, date_match = find_date(paragraphs[0])
        if dateline_date is None:
            dateline_date, _ = find_date(title)
    except DatelineError as error:
        raise DocumentError(str(error)) from None
    parsed = ParsedDocument(
        title=title,
        paragraphs=paragraphs,
        dateline_date=dateline_date,
        dateline_place=find_place(paragraphs[0], date_match),
        language=language or detect_language(text),
        source_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )
    max_body = getattr(settings, "NEWSROOM_MAX_BODY_CHARS", None)
    if max_body and len(parsed.body_html) > max_body:
        raise DocumentError(f"the text is longer than a release may be ({max_body:,} characters)")
    return parsed
