"""Full-text search over releases: one interface on SQLite (FTS5) and PostgreSQL.

``search_releases(queryset, text, language=None)`` narrows a queryset (callers
pass ``PressRelease.objects.public()``) to the releases matching every word of
``text``: releases in ``language`` first (the page's), then by rank, title
before lead before body. ``highlight(text, terms)`` makes the snippet shown
under each result.

Both databases search the release's stored search text
(``newsroom.searchtext``: Russian words stemmed, Chinese split into
characters) and only split it at spaces, so the same query finds the same
releases on either. A word matches any token it begins (“qingd” finds
Qingdao; a Russian word is stemmed first, so “саммит” finds “саммита”); a
term in Chinese, Japanese or Korean matches its characters in a row, so
“秘书长” is found inside a sentence without spaces. The ranking is the
database's own, read from the index once per query: SQLite joins its FTS5
table and orders by bm25 (title 10, lead 4, body 1); PostgreSQL reads the
stored weighted tsvector (title A, lead B, body C) with ``ts_rank``. The
index and its upkeep live in migration 0012_search_languages.

Other databases search the text by substring.

Pages and the API read a search through ``SearchResults``: ranking a word
found in most of the archive means ranking every match, so a query's ranked
list is kept once per content version (``for_content_version``) and every page
and reader of it reads its releases by id. Only the ranking reads the index,
and it reads ids alone: the page's rows are twenty lookups by id. The kept list
is capped at ``KEPT_RESULTS`` ids with the whole match's count; a page past
them is ranked again when asked for.

On PostgreSQL (``RENEWED_ON``) a kept list is brought up to date after a public
change rather than ranked again (``SearchResults.renew``): the releases it held
unchanged keep their places, as a rank there is the row's own
(``RANKED_BY_OWN_ROW``), and only those changed since it was made are ranked. A
release's place in a search depends on its own row alone, and every write of a
row sets its ``updated_at`` (a scheduled release's is its publication time), so
the releases changed since are those updated or published since. A list that
held every match stays whole; a list cut at ``KEPT_RESULTS`` keeps its releases
down to the last one it held unchanged, and its count is brought up to date part
by part (``newsroom/site/counts.py``). Every ``FULL_RANKING_EVERY`` a list is
ranked anew, as it is after a change that named no release
(``newsroom.site.cache.carried_key``).
"""

import datetime
import hashlib
import html
import json
import re
from functools import cached_property

from django.db import connection
from django.db.models import Case, FloatField, IntegerField, Q, Value, When
from django.db.models.functions import StrIndex
from django.db.models.sql.datastructures import BaseTable
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from newsroom.searchtext import CJK, CYRILLIC, WORD, russian_stem, word_tokens

from .cache import CHANGES_MARGIN, for_content_version
from .counts import brought_up_to_date, counted_by_part, made_now

# Longer queries are cut rather than refused: a pasted paragraph still finds its release.
MAX_QUERY_CHARS = 200
MAX_TERMS = 8
SNIPPET_CHARS = 240
# How much of a query's ranked list is kept per content version: fifty pages of twenty.
KEPT_RESULTS = 1000
# A kept list brought up to date after changes is ranked anew this often, so that a
# change ``CHANGES_MARGIN`` missed (a longer transaction, clocks farther apart) lasts
# no longer.
FULL_RANKING_EVERY = datetime.timedelta(minutes=10)
# The databases where ranking the releases a list held costs a fraction of ranking
# every match: PostgreSQL ranks each row by its stored vector. SQLite's FTS5 reads
# every match of a query whichever rows are asked for (or runs the query again for
# each row probed, slower still), so there a list is ranked anew.
RENEWED_ON = {"postgresql"}
# The databases where a release's rank depends on its own row alone: PostgreSQL's
# ``ts_rank`` reads the row's vector, where SQLite's bm25 weighs it against the whole
# index. There a list brought up to date keeps the ranks of the releases it held
# unchanged, and ranks the changed ones alone.
RANKED_BY_OWN_ROW = {"postgresql"}
# For the releases' order in Python as the ranking gives it: ``publish_at`` in microseconds.
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
MICROSECOND = datetime.timedelta(microseconds=1)

FTS_TABLE = "newsroom_release_fts"
TABLE = '"newsroom_pressrelease"'
# Whether a match is public, its language and publication, without reading its row:
# a release's row holds its text, so each match read a page of it. SQLite's alone
# (migration 0013_search_rows_index).
SQLITE_ROWS_INDEX = "newsroom_pr_search_rows_idx"


def query_terms(text):
    """The distinct lower-case words of a query, at most ``MAX_TERMS`` of them."""
    terms = []
    for word in WORD.findall((text or "")[:MAX_QUERY_CHARS].lower()):
        if word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def query_tokens(terms):
    """Each term as a phrase of index tokens, with whether its last token is a prefix.

    A term in Chinese, Japanese or Korean is its characters in a row, never a prefix.
    """
    phrases = [(word_tokens(term), not CJK.search(term)) for term in terms]
    return [(tokens, prefix) for tokens, prefix in phrases if tokens]


def fts5_query(phrases):
    """The FTS5 MATCH expression: every phrase, each token quoted."""
    return " ".join(
        f'"{" ".join(tokens)}"' + (" *" if prefix else "") for tokens, prefix in phrases
    )


def tsquery(phrases):
    """The same query for PostgreSQL's ``to_tsquery('simple', …)``."""
    return " & ".join(
        "(" + " <-> ".join(f"'{token}'" for token in tokens) + (":*" if prefix else "") + ")"
        for tokens, prefix in phrases
    )


def search_releases(queryset, text, language=None):
    """``queryset`` narrowed to releases matching every word, best first (``search_rank``).

    With ``language``, releases in that language come before the others.
    """
    terms = query_terms(text)
    phrases = query_tokens(terms)
    if not phrases:
        return queryset.none()
    if connection.vendor == "postgresql":
        query = tsquery(phrases)
        queryset = queryset.extra(
            select={"search_rank": f"ts_rank({TABLE}.search_vector, to_tsquery('simple', %s))"},
            select_params=[query],
            where=[f"{TABLE}.search_vector @@ to_tsquery('simple', %s)"],
            params=[query],
        )
    elif connection.vendor == "sqlite":
        # One join to the index: bm25 is computed once per query, inside it, not
        # in a subquery per release. Lower is better there; negated so that
        # higher is better on both databases. "+ 0" keeps the join's condition
        # off the index's rowid, so SQLite must read the index once and look the
        # releases up by id, never run the full-text query once per release
        # (which the count of a common word would otherwise do). The releases
        # are looked up in an index of what is asked of them (SQLITE_ROWS_INDEX),
        # which SQLite never chooses by itself over a row's id.
        queryset = read_through(queryset, SQLITE_ROWS_INDEX).extra(
            select={"search_rank": f"-bm25({FTS_TABLE}, 10.0, 4.0, 1.0)"},
            tables=[f'"{FTS_TABLE}"'],
            where=[f"{FTS_TABLE} MATCH %s", f"{TABLE}.id = {FTS_TABLE}.rowid + 0"],
            params=[fts5_query(phrases)],
        )
    else:
        return _substring_search(queryset, terms, language)
    return queryset.order_by(*_language_first(language), "-search_rank", "-publish_at", "-pk")


class SearchResults:
    """The releases of ``queryset`` matching ``text``, in ``search_releases``' order, as a
    paginator reads them: ``count()`` and slices of releases.

    The ranked list is the same for every reader until the public content changes,
    so its ids and its total are kept once per content version, under a name made of
    ``scope``, the language and the query's index tokens (so “Summit” and “summit,”
    share it, on either database). ``scope`` must name whatever ``queryset`` holds
    besides ``public()``: the API's filters, say. A slice is ``queryset`` filtered to
    the slice's ids in the ranking's order, not read yet. Only the first
    ``KEPT_RESULTS`` ids are kept, so a word found in every release costs a few
    kilobytes, not an id per release; a page past them is ranked again when asked for,
    in the same order.

    ``by_links`` says that ``queryset`` chooses releases by their links (a topic, an
    organisation), which change without the release: its list is then ranked anew
    after every change rather than brought up to date.
    """

    # For the paginator: the order is the ranking's.
    ordered = True

    def __init__(self, queryset, text, language=None, *, scope, by_links=False):
        self.queryset = queryset
        self.text = text
        self.language = language
        self.phrases = query_tokens(query_terms(text))
        self.scope = scope
        self.by_links = by_links

    def ranked_ids(self, queryset=None):
        queryset = self.queryset if queryset is None else queryset
        return search_releases(queryset, self.text, self.language).values_list("pk", flat=True)

    def ranked_keys(self, queryset=None, limit=None):
        """``(sort key, pk)`` of the first ``limit`` matches among ``queryset``, in the
        ranking's order, which sorting the keys gives too (``search_releases``: the page's
        language first, then rank, publication and id, each highest first)."""
        queryset = self.queryset if queryset is None else queryset
        rows = search_releases(queryset, self.text, self.language).values_list(
            "pk", "language", "search_rank", "publish_at"
        )
        return [
            (
                (
                    0 if not self.language or language == self.language else 1,
                    -rank,
                    -((publish_at - EPOCH) // MICROSECOND),
                    -pk,
                ),
                pk,
            )
            for pk, language, rank, publish_at in (rows if limit is None else rows[:limit])
        ]

    @cached_property
    def kept(self):
        if not self.phrases:
            return {"count": 0, "ids": []}
        name = json.dumps([self.scope, self.language or "", self.phrases], ensure_ascii=False)
        digest = hashlib.sha256(name.encode()).hexdigest()
        # Where a list is ranked anew, nothing is carried between versions for it.
        renewed = not self.by_links and connection.vendor in RENEWED_ON
        return for_content_version(
            f"search:{digest}", self.rank, renew=self.renew if renewed else None
        )

    def rank(self):
        """The list ranked from the whole index."""
        started = timezone.now()
        keys = None
        if connection.vendor in RANKED_BY_OWN_ROW:
            ranked = self.ranked_keys(limit=KEPT_RESULTS)
            ids, keys = [pk for _, pk in ranked], [key for key, _ in ranked]
        else:
            ids = list(self.ranked_ids()[:KEPT_RESULTS])
        if len(ids) < KEPT_RESULTS:
            return self._kept(
                ids, len(ids), whole=True, since=started, ranked_at=started, keys=keys
            )
        counted = made_now(self.matches().count)
        return self._kept(
            ids,
            counted["count"],
            whole=False,
            since=started,
            ranked_at=started,
            counted=counted,
            keys=keys,
        )

    def matches(self):
        """Every match, to be counted apart from the ranking: counting costs a fraction
        of ranking. A change between the two statements renews the content version, so
        no page reads a list and a count that disagree."""
        return search_releases(self.queryset, self.text)

    def renew(self, last):
        """``last``, a list kept under an earlier content version, brought up to date."""
        started = timezone.now()
        if "since" not in last or started - last["ranked_at"] > FULL_RANKING_EVERY:
            return self.rank()
        # In any state: a release withdrawn since is among them.
        changed = set(
            self.queryset.model.objects.changed_since(last["since"] - CHANGES_MARGIN)
            .order_by()
            .values_list("pk", flat=True)[: KEPT_RESULTS + 1]
        )
        if len(changed) > KEPT_RESULTS:
            return self.rank()
        keys = None
        if connection.vendor in RANKED_BY_OWN_ROW and last.get("keys") is not None:
            # A held release left public view or stopped matching only by a write, so
            # those unchanged keep their place; the changed ones are ranked, or drop out.
            places = [
                (key, pk)
                for pk, key in zip(last["ids"], last["keys"], strict=True)
                if pk not in changed
            ]
            merged = sorted(places + self.ranked_keys(self.queryset.filter(pk__in=changed)))
            ids, keys = [pk for _, pk in merged], [key for key, _ in merged]
        else:
            # The held releases no longer public, or no longer matching, drop out here.
            ids = list(self.ranked_ids(self.queryset.filter(pk__in=[*last["ids"], *changed])))
        if last["whole"]:
            # Every match was held, so every match now was held or has changed.
            return self._kept(
                ids[:KEPT_RESULTS],
                len(ids),
                whole=len(ids) <= KEPT_RESULTS,
                since=started,
                ranked_at=last["ranked_at"],
                keys=None if keys is None else keys[:KEPT_RESULTS],
            )
        # Matches past the kept list were never ranked: the list holds only what ranks
        # above the last release it held unchanged, which outranks all of them.
        unchanged = set(last["ids"]) - changed
        held = [position for position, pk in enumerate(ids) if pk in unchanged]
        if not held or held[-1] < KEPT_RESULTS // 2:
            return self.rank()
        # Counted part by part: only the parts of the changed releases are counted again.
        # A list that held every match before was counted by its length.
        count_parts = self.matches().count_by_part
        counted = last.get("counted")
        counted = (
            brought_up_to_date(counted, count_parts) if counted else counted_by_part(count_parts)
        )
        kept = min(held[-1] + 1, KEPT_RESULTS)
        return self._kept(
            ids[:kept],
            counted["count"],
            whole=False,
            since=started,
            ranked_at=last["ranked_at"],
            counted=counted,
            keys=None if keys is None else keys[:kept],
        )

    @staticmethod
    def _kept(ids, count, *, whole, since, ranked_at, counted=None, keys=None):
        """What is kept of a list: ``whole`` when ``ids`` are every match; ``since``, when
        its ranking began; ``ranked_at``, when the whole index was last ranked for it;
        for a cut list, ``counted``, how its matches were counted
        (``newsroom/site/counts.py``); where ranks are the rows' own
        (``RANKED_BY_OWN_ROW``), ``keys``, each release's place (``ranked_keys``)."""
        return {
            "count": count,
            "ids": ids,
            "whole": whole,
            "since": since,
            "ranked_at": ranked_at,
            "counted": counted,
            "keys": keys,
        }

    def count(self):
        return self.kept["count"]

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            position = range(self.count())[index]
            return self[position : position + 1][0]
        start, stop, _step = index.indices(self.count())
        kept = self.kept
        if stop <= len(kept["ids"]):
            ids = kept["ids"][start:stop]
        else:
            ids = list(self.ranked_ids()[start:stop]) if start < stop else []
        if not ids:
            return self.queryset.none()
        # Not read yet: a page whose cards or API entries are all kept reads only their
        # keys (``newsroom.site.fragments.per_release``), not the rows and prefetches.
        return self.queryset.filter(pk__in=ids).order_by(PlaceAmong(ids))


class PlaceAmong(StrIndex):
    """Where a row's key comes in ``keys``: rows ordered by it come in the list's order.

    The place of ``,<key>,`` in ``,<key>,<key>,…,``: one parameter however long the
    list. A ``Case`` with a ``When`` for each key took Django longer to build than the
    query took to run.
    """

    template = "%(function)s(%(expressions)s || ',')"
    arg_joiner = ", ',' || "

    def __init__(self, keys):
        super().__init__(Value(",".join(map(str, ["", *keys, ""]))), "pk")


class IndexedTable(BaseTable):
    """A query's own table read through ``index`` (SQLite's ``INDEXED BY``)."""

    def __init__(self, table_name, alias, index):
        super().__init__(table_name, alias)
        self.index = index

    def as_sql(self, compiler, connection):
        sql, params = super().as_sql(compiler, connection)
        return f"{sql} INDEXED BY {connection.ops.quote_name(self.index)}", params

    def relabeled_clone(self, change_map):
        alias = change_map.get(self.table_alias, self.table_alias)
        return self.__class__(self.table_name, alias, self.index)

    @property
    def identity(self):
        return (*super().identity, self.index)


def read_through(queryset, index):
    """``queryset`` with its model's table read through ``index``."""
    queryset = queryset.all()
    alias = queryset.query.get_initial_alias()
    table = queryset.query.alias_map[alias]
    queryset.query.alias_map[alias] = IndexedTable(table.table_name, alias, index)
    return queryset


def _language_first(language):
    if not language:
        return []
    return [
        Case(When(language=language, then=Value(0)), default=Value(1), output_field=IntegerField())
    ]


def _substring_search(queryset, terms, language):
    condition = Q()
    for term in terms:
        condition &= Q(title__icontains=term) | Q(lead__icontains=term) | Q(body__icontains=term)
    return (
        queryset.filter(condition)
        .annotate(search_rank=Value(0.0, output_field=FloatField()))
        .order_by(*_language_first(language), "-publish_at", "-pk")
    )


def _term_pattern(terms):
    parts = []
    for term in sorted(terms, key=len, reverse=True):
        if CJK.search(term):
            parts.append(re.escape(term))
        else:
            # A Russian word is found by its stem, so its other forms are marked too.
            stem = russian_stem(term) if CYRILLIC.search(term) else term
            parts.append(rf"(?<![^\W_]){re.escape(stem)}[^\W_]*")
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
