"""Pagination of public lists: counted once per content version, pages found by key."""

import hashlib

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from .cache import for_content_version


class CountOncePerVersion(Paginator):
    """A paginator that counts its releases once per content version and finds each
    page's releases by key.

    Every page of a list shows the same total; counting a large archive again
    for each page and each reader would cost more than building the page.

    A page is read in two steps within one query: the keys of its releases, in
    the list's order, from the index (a deep page skips its offset there rather
    than in whole rows), then those releases alone, made ready for display by
    ``prepare`` (the list's prefetches). The second step starts from the keys,
    not from the list's filters again, so the database looks up twenty rows
    instead of walking the list a second time.
    """

    def __init__(self, object_list, per_page, *, count_name, prepare, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_name = count_name
        self.prepare = prepare

    @cached_property
    def count(self):
        digest = hashlib.sha256(self.count_name.encode()).hexdigest()
        return for_content_version(f"count:{digest}", lambda: Paginator.count.func(self))

    def page(self, number):
        page = super().page(number)
        model = self.object_list.model
        ordering = self.object_list.query.order_by or model._meta.ordering
        keys = page.object_list.values("pk")
        page.object_list = self.prepare(model.objects.filter(pk__in=keys).order_by(*ordering))
        return page
