"""What is shown of each release on many pages, made once per content version.

A release's card in every list, its entry in every page of the API: the same
for every reader until the public content changes, so each is kept under the
release's key and a name saying what else it depends on (the language, the
words searched for, the site's address). A page whose releases' fragments are
all kept reads their keys and the cache, never the rows and their prefetches.
"""

from django.db.models import QuerySet

from .cache import many_for_content_version


def per_release(releases, name, make, load):
    """The fragment named ``name`` of each of ``releases``, in their order.

    ``releases`` is a list of releases, or a queryset of them not yet read: then
    only the keys are read, and ``load(keys)`` gives ``{key: release}`` for those
    whose fragment is not kept. ``make(releases)`` gives ``{key: fragment}``.
    """
    if isinstance(releases, QuerySet) and releases._result_cache is None:
        keys = list(releases.values_list("pk", flat=True))
        loaded = None
    else:
        releases = list(releases)
        keys = [release.pk for release in releases]
        loaded = {release.pk: release for release in releases}
    names = {f"{name}:{key}": key for key in keys}

    def make_missing(missing):
        wanted = [names[fragment] for fragment in missing]
        rows = loaded if loaded is not None else load(wanted)
        made = make([rows[key] for key in wanted])
        return {fragment: made[names[fragment]] for fragment in missing}

    fragments = many_for_content_version(list(names), make_missing)
    return [fragments[fragment] for fragment in names]
