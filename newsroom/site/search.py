"""Full-text search over releases: one interface on SQLite (FTS5) and PostgreSQL.

``search_releases(queryset, text)`` narrows a queryset (callers pass
``PressRelease.objects.public()``) to the releases matching every word of
``text``, ranked title first, then lead, then body. ``highlight(text, terms)``
makes the snippet shown under each result. Both databases match word
prefixes without stemming, so the same query finds the same releases on
either; the index and its upkeep live in migration 0004_public_search.

A library was considered (modelsearch) but it needs the model to inherit its
mixin and keeps a second index table per backend; the database's own
full-text engine is enough for a newsroom's few thousand releases.
"""

import html
import re

from django.db import connection
from django.db.models import FloatField, Q, Value
from django.db.models.expressions import RawSQL
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

# Longer queries are cut rather than refused: a pasted paragraph still finds its release.
MAX_QUERY_CHARS = 200
MAX_TERMS = 8
SNIPPET_CHARS = 240

WORD = re.compile(r"[^\W_]+")
# Neither FTS5's unicode61 tokenizer nor PostgreSQL's "simple" parser splits
# Chinese or Japanese text into words, so such terms are matched as substrings.
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")

FTS_TABLE = "newsroom_release_fts"
TABLE = '"newsroom_pressrelease"'
# Must stay identical to the expression of the GIN index in migration 0004.
PG_DOCUMENT = (
    f"to_tsvector('simple'::regconfig, coalesce({TABLE}.\"title\", '') || ' ' || "
    f"coalesce({TABLE}.\"lead\", '') || ' ' || coalesce({TABLE}.\"body\", ''))"
)
PG_WEIGHTED = (
    f"setweight(to_tsvector('simple'::regconfig, coalesce({TABLE}.\"title\", '')), 'A') || "
    f"setweight(to_tsvector('simple'::regconfig, coalesce({TABLE}.\"lead\", '')), 'B') || "
    f"setweight(to_tsvector('simple'::regconfig, coalesce({TABLE}.\"body\", '')), 'C')"
)


def query_terms(text):
    """The distinct lower-case words of a query, at most ``MAX_TERMS`` of them."""
    terms = []
    for word in WORD.findall((text or "")[:MAX_QUERY_CHARS].lower()):
        if word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def search_releases(queryset, text):
    """``queryset`` narrowed to releases matching every word, best first (``search_rank``)."""
    terms = query_terms(text)
    if not terms:
        return queryset.none()
    if any(CJK.search(term) for term in terms) or connection.vendor not in {
        "sqlite",
        "postgresql",
    }:
        return _substring_search(queryset, terms)
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"'{term}':*" for term in terms)
        matches = RawSQL(f"{PG_DOCUMENT} @@ to_tsquery('simple', %s)", [tsquery])
        rank = RawSQL(
            f"ts_rank({PG_WEIGHTED}, to_tsquery('simple', %s))",
            [tsquery],
            output_field=FloatField(),
        )
        queryset = queryset.alias(search_match=matches).filter(search_match=True)
    else:
        match = " ".join(f'"{term}"*' for term in terms)
        queryset = queryset.filter(
            pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])
        )
        # bm25() is lower for better matches; negated so that higher is better on both.
        rank = RawSQL(
            f"SELECT -bm25({FTS_TABLE}, 10.0, 4.0, 1.0) FROM {FTS_TABLE} "
            f'WHERE {FTS_TABLE} MATCH %s AND rowid = {TABLE}."id"',
            [match],
            output_field=FloatField(),
        )
    return queryset.annotate(search_rank=rank).order_by("-search_rank", "-publish_at", "-pk")


def _substring_search(queryset, terms):
    condition = Q()
    for term in terms:
        condition &= Q(title__icontains=term) | Q(lead__icontains=term) | Q(body__icontains=term)
    return (
        queryset.filter(condition)
        .annotate(search_rank=Value(0.0, output_field=FloatField()))
        .order_by("-publish_at", "-pk")
    )


def _term_pattern(terms):
    parts = []
    for term in sorted(terms, key=len, reverse=True):
        if CJK.search(term):
            parts.append(re.escape(term))
        else:
            parts.append(rf"(?<![^\W_]){re.escape(term)}[^\W_]*")
    return re.compile("|".join(parts), re.IGNORECASE)


def highlight(text, terms, length=SNIPPET_CHARS):
    """An escaped excerpt of ``text`` around the first match, matches wrapped in <mark>."""
    plain = " ".join(html.unescape(strip_tags(text or "")).split())
    if not plain or not terms:
        return escape(plain[:length])
    pattern = _term_pattern(terms)
    first = pattern.search(plain)
    start = 0
    if first and first.start() > length // 3:
        start = plain.rfind(" ", 0, first.start() - length // 3) + 1
    end = min(len(plain), start + length)
    if end < len(plain):
        end = plain.rfind(" ", start, end) if plain.rfind(" ", start, end) > start else end
    window = plain[start:end]
    pieces = ["…" if start else ""]
    position = 0
    for found in pattern.finditer(window):
        pieces.append(escape(window[position : found.start()]))
        pieces.append(f"<mark>{escape(found.group())}</mark>")
        position = found.end()
    pieces.append(escape(window[position:]))
    pieces.append("…" if end < len(plain) else "")
    return mark_safe("".join(pieces))
