"""What is shown of each release on many pages, made once per content version.

A release's card in every list, its entry in every page of the API: the same
for every reader until the public content changes, so each is kept under the
release's key and a name saying what else it depends on (the language, the
words searched for, the site's address). A page whose releases' fragments are
all kept reads their keys and the cache, never the rows and their prefetches.
"""

import hashlib

from django.db.models import QuerySet

from .cache import many_for_content_version, many_for_release_rows


def site_of(request):
    """A short name for the address the site was asked at, for fragments that carry
    absolute addresses."""
    return hashlib.sha256(f"{request.scheme}://{request.get_host()}".encode()).hexdigest()


def per_release(releases, name, make, load, *, own_row=False):
    """The fragment named ``name`` of each of ``releases``, in their order.

    ``releases`` is a list of releases, or a queryset of them not yet read: then
    only the keys are read, and ``load(keys)`` gives ``{key: release}`` for those
    whose fragment is not kept. ``make(releases)`` gives ``{key: fragment}``.

    With ``own_row``, a fragment made only from its release's row and the
    reference records it names (``many_for_release_rows``) is kept under the
    row's version, and outlives changes of other releases.
    """
    if isinstance(releases, QuerySet) and releases._result_cache is None:
        rows = list(releases.values_list("pk", "version"))
        loaded = None
    else:
        releases = list(releases)
        rows = [(release.pk, release.version) for release in releases]
        loaded = {release.pk: release for release in releases}
    if own_row:
        names = {f"{name}:{key}:{version}": key for key, version in rows}
        kept = many_for_release_rows
    else:
        names = {f"{name}:{key}": key for key, _ in rows}
        kept = many_for_content_version

    def make_missing(missing):
        wanted = [names[fragment] for fragment in missing]
        rows = loaded if loaded is not None else load(wanted)
        made = make([rows[key] for key in wanted])
        return {fragment: made[names[fragment]] for fragment in missing}

    fragments = kept(list(names), make_missing)
    return [fragments[fragment] for fragment in names]
