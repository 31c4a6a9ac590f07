"""What the archive tests do to a site: make editorial history, and read every public page.

Imported by tests/test_archive.py, and run as a script against a database named by
DATABASE_URL, since a process can hold only one database configuration:

    python tests/archive_site.py history   # staff, workflow steps, files, a working copy
    python tests/archive_site.py edit      # after a restore: a step and a topic, new rows
    python tests/archive_site.py pages     # prints {"pages": {url: [status, sha256]},
                                           #         "search": {query: [slugs found]}}
"""

import datetime
import hashlib
import io
import json
import logging
import os
import sys
import uuid
import warnings
from pathlib import Path

PASSWORD = "archive-pass-4711"
# A release scheduled this far ahead stays scheduled whenever the tests run.
FAR_AHEAD = datetime.datetime(2100, 1, 1, 9, 0, tzinfo=datetime.UTC)
LANGUAGE_PREFIXES = ("", "/ru", "/zh-hans")
SEARCHES = ("sco", "cooperation", "secretary general", "встреча", "合作", "withdrawn")


def png(colour):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (6, 4), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def store(name, data):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    return default_storage.save(name, ContentFile(data))


def make_history():
    """On top of the demo: staff, every workflow step, photos, files, a working copy, a
    translation, a share link. Returns the editor."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.utils import timezone
    from reversion.models import Version

    from newsroom.editorial import editing
    from newsroom.editorial.revisions import restore_revision
    from newsroom.models import Document, Organisation, Person, PressRelease, ShareLink

    users = get_user_model()
    editor = users.objects.create_user(
        "archive-editor",
        "editor@example.org",
        PASSWORD,
        first_name="Ada",
        last_name="Editor",
        is_staff=True,
    )
    editor.groups.add(Group.objects.get(name="Editors"))
    contributor = users.objects.create_user(
        "archive-contributor", "contributor@example.org", PASSWORD, is_staff=True
    )
    contributor.groups.add(Group.objects.get(name="Contributors"))
    # A group of the office's own, with a permission of its own, that a new database lacks.
    translators = Group.objects.create(name="Translators")
    translators.permissions.add(Permission.objects.get(codename="change_pressrelease"))
    contributor.groups.add(translators)
    contributor.user_permissions.add(Permission.objects.get(codename="view_sharelink"))
    editor = users.objects.get(pk=editor.pk)
    contributor = users.objects.get(pk=contributor.pk)

    def fresh(slug):
        return PressRelease.objects.get(slug=slug)

    sco = Organisation.objects.get(slug="sco")
    sco.logo = store("organisations/sco-logo.png", png("blue"))
    sco.save()
    person = Person.objects.get(slug="sergei-lebedev")
    person.photo = store("people/lebedev.png", png("grey"))
    person.save()
    document = Document.objects.order_by("pk").first()
    document.file = store("documents/memorandum.txt", b"The text of the memorandum.\n")
    document.save()

    # A draft written and submitted by a contributor, published by the editor.
    draft = fresh("sample-draft-release")
    draft.created_by = contributor
    draft = editing.save_release(
        draft, by=editor, links=[editing.organisations([sco])], comment="Linked the SCO."
    )
    fresh("sample-draft-release").submit(editor)
    fresh("sample-draft-release").publish(editor, comment="Approved.")
    fresh("sample-release-in-review").return_to_draft(editor, comment="Name the venue, please.")

    # A photo that is later replaced: only an old revision names the first file.
    first = store("photos/2026/01/first-photo.png", png("red"))
    second = store("photos/2026/01/second-photo.png", png("green"))
    row = {"caption": "The meeting", "credit": "Press office", "alt_text": "Officials meet"}
    main = "sco-secretary-general-meets-top-administrative-officials-of-the-cis-and-csto-in-qingdao"
    editing.save_release(
        fresh(main), by=editor, links=[editing.photos([{**row, "image": first, "order": 0}])]
    )
    release = fresh(main)
    release.title = release.title + " (corrected)"
    release.correction_note = "The photo was replaced."
    editing.save_release(
        release, by=editor, links=[editing.photos([{**row, "image": second, "order": 0}])]
    )
    # Restoring an older revision of a public release makes a working copy.
    oldest = Version.objects.get_for_object(fresh(main)).order_by("revision__date_created")[0]
    restore_revision(fresh(main), oldest, editor)

    # Withdrawn, restored and published again; and a scheduled one moved further ahead.
    fresh("sample-draft-release").withdraw(editor, comment="Published too early.")
    fresh("sample-draft-release").restore_to_draft(editor)
    fresh("sample-draft-release").publish(editor)
    fresh("sample-scheduled-release").publish(editor, at=FAR_AHEAD)

    # Releases in Russian and Chinese of their own (the demo already translates the main one).
    group = uuid.uuid4()
    for language, title, body in [
        ("ru", "Встреча генеральных секретарей", "<p>Встреча прошла в Циндао.</p>"),
        ("zh-hans", "秘书长会见独联体和集安组织官员", "<p>双方讨论了合作。</p>"),
    ]:
        translated = PressRelease(
            title=title,
            slug=f"translation-{language}",
            lead=title,
            body=body,
            dateline_place="Qingdao",
            dateline_date=datetime.date(2018, 6, 9),
            language=language,
            translation_group=group,
            created_by=editor,
        )
        editing.save_release(translated, by=editor, links=[editing.organisations([sco])])
        fresh(f"translation-{language}").publish(editor)

    ShareLink.objects.create(
        release=fresh("sample-release-in-review"),
        created_by=editor,
        expires_at=timezone.now() + datetime.timedelta(days=7),
        note="For the CSTO press office",
    )
    return editor


def edit_after_restore():
    """New rows in the tables a restore filled: they must get ids of their own."""
    from django.contrib.auth import get_user_model

    from newsroom.models import PressRelease, Topic

    editor = get_user_model().objects.get(username="archive-editor")
    PressRelease.objects.get(slug="sample-release-in-review").submit(editor)
    Topic.objects.create(name="after the restore")


def public_urls():
    """Every public address the data gives, in each language."""
    from newsroom.models import Document, Organisation, Person, PressRelease, Topic

    releases = PressRelease.objects.order_by("pk")
    public = PressRelease.objects.public()
    paths = ["/", "/news/", "/news/?page=2", "/organisations/", "/api/releases/"]
    paths += ["/api/releases/?page=2", "/api/organisations/", "/feeds/news.rss"]
    paths += ["/feeds/news.atom"]
    # The list's filters, in English only: the pages they filter are read in every language.
    filters = [f"/news/?kind={kind}" for kind in PressRelease.Kind.values]
    for day in public.dates("publish_at", "month"):
        paths += [f"/news/{day:%Y}/", f"/news/{day:%Y}/{day:%m}/"]
        filters.append(f"/news/?year={day:%Y}")
    for slug in releases.values_list("slug", flat=True):
        paths += [f"/news/{slug}/", f"/api/releases/{slug}/"]
    for slug in Organisation.objects.order_by("pk").values_list("slug", flat=True):
        paths += [f"/organisations/{slug}/", f"/feeds/organisations/{slug}.rss"]
        paths.append(f"/feeds/organisations/{slug}.atom")
        filters += [f"/news/?organisation={slug}", f"/api/releases/?organisation={slug}"]
    for slug in Person.objects.order_by("pk").values_list("slug", flat=True):
        paths.append(f"/people/{slug}/")
    for slug in Document.objects.order_by("pk").values_list("slug", flat=True):
        paths.append(f"/documents/{slug}/")
    for slug in Topic.objects.order_by("pk").values_list("slug", flat=True):
        paths += [f"/topics/{slug}/", f"/feeds/topics/{slug}.rss", f"/feeds/topics/{slug}.atom"]
        filters += [f"/news/?topic={slug}", f"/api/releases/?topic={slug}"]
    for query in SEARCHES:
        paths += [f"/search/?q={query}", f"/api/releases/?q={query}"]
    urls = [prefix + path for prefix in LANGUAGE_PREFIXES for path in paths]
    return [*urls, *filters, "/sitemap.xml", "/robots.txt"]


def page_digests(urls=None):
    """{url: [status, sha256 of the body]} as the public site answers now."""
    import re

    from django.core.cache import cache
    from django.test import Client

    cache.clear()
    client = Client()
    answers = {}
    pending = list(urls or public_urls())
    while pending:
        url = pending.pop(0)
        if url in answers:
            continue
        response = client.get(url)
        body = response.content
        answers[url] = [response.status_code, hashlib.sha256(body).hexdigest()]
        if url == "/sitemap.xml":
            # The index names the sections: follow them too.
            for section in re.findall(rb"<loc>https?://[^/<]+(/[^<]*)</loc>", body):
                pending.append(section.decode())
    return answers


def search_hits():
    """{query: slugs of the public releases search finds}: the full-text index at work."""
    from newsroom.models import PressRelease
    from newsroom.site.search import search_releases

    return {
        query: list(
            search_releases(PressRelease.objects.public(), query).values_list("slug", flat=True)
        )
        for query in SEARCHES
    }


def main(mode):
    import django

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pressoffice.settings.test")
    django.setup()
    if mode == "history":
        make_history()
    elif mode == "edit":
        edit_after_restore()
    elif mode == "pages":
        from django.conf import settings

        # Pages as production answers them (its 404 page, no query log), as in the suite.
        settings.DEBUG = False
        warnings.filterwarnings("ignore", "No directory at", UserWarning)
        # Not-found answers are part of what is compared; their log lines are noise here.
        logging.disable(logging.WARNING)
        answers = {"pages": page_digests(), "search": search_hits()}
        json.dump(answers, sys.stdout, indent=1, sort_keys=True, ensure_ascii=False)
    else:
        raise SystemExit(f"Unknown mode {mode!r}: use history, edit or pages.")


if __name__ == "__main__":
    main(*sys.argv[1:])
