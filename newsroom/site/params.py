"""Reading query-string parameters of public pages safely."""


def query_param(request, name, limit=200):
    """A query-string value, trimmed and cut to ``limit``.

    PostgreSQL refuses NUL characters; they become U+FFFD, which matches nothing.
    """
    return request.GET.get(name, "").replace("\x00", "\ufffd").strip()[:limit]


def query_without_page(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
