"""Pagination of public lists: counted once per content version, pages found by key."""

import hashlib
from functools import reduce
from operator import or_

from django.core.paginator import Paginator
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.utils.functional import cached_property

from .cache import for_content_version, many_for_content_version
from .counts import kept_count

# A page this many releases or fewer from the start of its list skips its offset in the
# index: cheaper than learning where every page starts.
DIRECT_OFFSET_ROWS = 200
# The pages' starts are kept this many pages to a piece: a page reads only its piece.
PAGE_STARTS_CHUNK = 100


class CountOncePerVersion(Paginator):
    """A paginator that counts its releases once per content version and finds each
    page's releases by key.

    Every page of a list shows the same total; counting a large archive again
    for each page and each reader would cost more than building the page.

    A page is read in two steps within one query: the keys of its releases, in
    the list's order, then those releases alone, made ready for display by
    ``prepare`` (the list's prefetches). The second step starts from the keys,
    not from the list's filters again, so the database looks up twenty rows
    instead of walking the list a second time.

    The first pages find their keys by skipping the offset, and the last ones
    by skipping what follows them in the list's order reversed. A page between starts
    from where it begins in the list's order (keyset pagination): the sort key
    of every page's first release is learnt once per content version in one
    pass of the list, so the hundredth page costs what the first does rather
    than a walk through every release before it.
    """

    def __init__(self, object_list, per_page, *, count_name, prepare, groups_of=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_name = count_name
        self.prepare = prepare
        # The releases whose translation groups the list counts, one release a group,
        # when counting them costs less than counting the list; kept part by part
        # (``newsroom/site/counts.py``).
        self.groups_of = groups_of

    @cached_property
    def fragment_name(self):
        return hashlib.sha256(self.count_name.encode()).hexdigest()

    @cached_property
    def count(self):
        if self.groups_of is not None:
            return kept_count(
                f"counted:{self.fragment_name}",
                self.groups_of.listed_count,
                self.groups_of.listed_count_by_part,
            )
        return for_content_version(
            f"count:{self.fragment_name}", lambda: Paginator.count.func(self)
        )

    @cached_property
    def ordering(self):
        """The list's order, with ``pk`` named by its column."""
        model = self.object_list.model
        names = self.object_list.query.order_by or model._meta.ordering
        return [
            ("-" if name.startswith("-") else "") + _field_name(model, name.lstrip("-"))
            for name in names
        ]

    def page(self, number):
        page = super().page(number)
        model = self.object_list.model
        keys = page.object_list.values("pk")
        if self.count:
            offset = page.start_index() - 1
            size = page.end_index() - offset
            after = self.count - offset - size
            if offset > DIRECT_OFFSET_ROWS and after <= DIRECT_OFFSET_ROWS:
                # Near the end: as near the start, in the list's order reversed.
                keys = self.object_list.reverse()[after : after + size].values("pk")
            elif offset > DIRECT_OFFSET_ROWS and (start := self.page_start(page.number)):
                # The page's bound first: SQLite reads an index from the first bound it
                # is given on a column, and the list's own (``publish_at`` up to now)
                # would have it walk every release newer than the page.
                from_start = model.objects.filter(at_or_after(self.ordering, start))
                keys = (from_start & self.object_list).values("pk")[:size]
        page.object_list = self.prepare(model.objects.filter(pk__in=keys).order_by(*self.ordering))
        return page

    def page_start(self, number):
        """The sort key of the first release of page ``number``; ``None`` when the list's
        order is no key (its last field not the primary key, or a value empty)."""
        if self.ordering[-1].lstrip("-") != self.object_list.model._meta.pk.attname:
            return None
        chunk, index = divmod(number - 1, PAGE_STARTS_CHUNK)
        name = f"page-starts:{self.fragment_name}:{self.per_page}"
        wanted = f"{name}:{chunk}"
        starts = many_for_content_version([wanted], lambda missing: self.page_starts(name))
        starts = starts.get(wanted) or []
        return starts[index] if index < len(starts) else None

    def page_starts(self, name):
        """``{f"{name}:{piece}": starts}``: the sort keys of the first releases of the
        pages, a hundred pages to a piece.

        One pass of the list learns every page's start; each piece is kept under its
        own name, so a page reads the starts of its neighbours only.
        """
        fields = [name.lstrip("-") for name in self.ordering]
        position = Window(RowNumber(), order_by=[_order(name) for name in self.ordering])
        rows = (
            self.object_list.prefetch_related(None)
            .annotate(list_position=position)
            .annotate(position_in_page=(F("list_position") - 1) % self.per_page)
            .filter(position_in_page=0)
            .order_by("list_position")
            .values_list(*fields)
        )
        starts = [None if None in row else row for row in rows]
        return {
            f"{name}:{first // PAGE_STARTS_CHUNK}": starts[first : first + PAGE_STARTS_CHUNK]
            for first in range(0, len(starts), PAGE_STARTS_CHUNK)
        }


def at_or_after(ordering, start):
    """The releases from ``start`` on in the order ``ordering``, whose last field is unique.

    The first field's bound is stated on its own as well, so the database reads the
    index from there rather than testing every row against the alternatives.
    """
    alternatives = []
    equal_so_far = Q()
    for index, (name, value) in enumerate(zip(ordering, start, strict=True)):
        field = name.lstrip("-")
        lookup = "lt" if name.startswith("-") else "gt"
        if index == len(ordering) - 1:
            lookup += "e"
        alternatives.append(equal_so_far & Q(**{f"{field}__{lookup}": value}))
        equal_so_far &= Q(**{field: value})
    first = ordering[0]
    leading = Q(**{f"{first.lstrip('-')}__{'lte' if first.startswith('-') else 'gte'}": start[0]})
    return leading & reduce(or_, alternatives)


def _field_name(model, name):
    return model._meta.pk.attname if name == "pk" else name


def _order(name):
    field = F(name.lstrip("-"))
    return field.desc() if name.startswith("-") else field.asc()
