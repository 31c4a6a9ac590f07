"""Pagination of public lists: counted once per content version, pages found by key."""

import hashlib

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from .cache import for_content_version


class CountOncePerVersion(Paginator):
    """A paginator that counts its releases once per content version.

    Every page of a list shows the same total; counting a large archive again
    for each page and each reader would cost more than building the page.
    """

    def __init__(self, *args, count_name, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_name = count_name

    @cached_property
    def count(self):
        digest = hashlib.sha256(self.count_name.encode()).hexdigest()
        return for_content_version(f"count:{digest}", lambda: Paginator.count.func(self))

    def page(self, number):
        """The page's releases, found by key first: a deep page of the archive
        then skips its offset in the index instead of reading whole rows."""
        page = super().page(number)
        page.object_list = self.object_list.filter(pk__in=page.object_list.values("pk"))
        return page
