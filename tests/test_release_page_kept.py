"""A release page's own part (its head, text, pictures and what it names) is kept per
version of the release's row, like its card: a change of another release renews the page,
which is built again from the row, the kept part and its links to other releases."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from newsroom.editorial import editing
from newsroom.models import Appointment, Office, Organisation, Participant, Person
from newsroom.site import context as page_context

from .test_release_cards import built

pytestmark = pytest.mark.django_db


@pytest.fixture
def made(monkeypatch):
    """The titles of the releases whose own part is made, in the order made."""
    titles = []
    make = page_context.release_own_part

    def counted(release, **kwargs):
        titles.append(release.title)
        return make(release, **kwargs)

    monkeypatch.setattr(page_context, "release_own_part", counted)
    return titles


@pytest.fixture
def release(public_world, make_release):
    return public_world.attach(make_release(title="Kept release"), "kept topic")


def test_a_page_built_again_reads_the_release_and_its_links_alone(
    client, release, public_world, make_release, editor, made
):
    url = release.get_absolute_url()
    first, cold = built(client, url)
    assert made == ["Kept release"]
    again, warm = built(client, url)
    assert again == first and made == ["Kept release"]
    # The release by its address, and the releases it links to.
    assert warm == 2 < cold

    # Publishing another release renews the page: the kept part serves, the links are new.
    newer = make_release(
        title="Newer release",
        status="in_review",
        publish_at=None,
        dateline_date=datetime.date(2024, 2, 1),
    )
    # Named by neither: the newer release is the next one, not a related one.
    newer.organisations.add(Organisation.objects.create(name="Other", slug="other"))
    editing.take_step(newer, "publish", editor)
    page, _ = built(client, url)
    assert made == ["Kept release"]
    assert f'rel="next" href="{newer.get_absolute_url()}"' in page
    assert 'class="prev-next"' not in first
    without_links = re.sub(r'<nav class="prev-next".*?</nav>', "", page, flags=re.S)
    assert without_links.split() == first.split()


def json_ld(page):
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page)[1])


def test_the_kept_part_changes_at_once_with_its_release(client, release, editor, made):
    url = release.get_absolute_url()
    built(client, url)
    release.title = "Kept release, corrected"
    release.correction_note = "The title was corrected."
    editing.save_release(release, by=editor, links=[lambda saved: saved.tags.add("new topic")])
    page, _ = built(client, url)
    assert made == ["Kept release", "Kept release, corrected"]
    assert '<meta property="og:title" content="Kept release, corrected">' in page
    assert "The title was corrected." in page
    assert '<meta property="article:tag" content="new topic">' in page
    assert sorted(json_ld(page)["keywords"]) == ["kept topic", "new topic", "shared topic"]


def test_the_kept_part_changes_at_once_with_a_record_it_names(client, release, public_world):
    url = release.get_absolute_url()
    built(client, url)
    public_world.organisation.name = "Organisation Renamed"
    public_world.organisation.save()
    public_world.document.title = "Memorandum Renamed"
    public_world.document.save()
    page, _ = built(client, url)
    assert '<a href="/organisations/oot/">Organisation Renamed</a>' in page
    assert [about["name"] for about in json_ld(page)["about"]] == ["Organisation Renamed"]
    assert "Memorandum Renamed" in page


def test_each_language_and_site_address_has_its_own_part(client, release, settings):
    url = f"/news/{release.slug}/"
    built(client, url)
    russian, _ = built(client, f"/ru{url}")
    assert "Участники" in russian and ">Participants<" not in russian
    settings.ALLOWED_HOSTS = ["testserver", "news.example.org"]
    with override_settings(NEWSROOM_PAGE_CACHE=False):
        page = client.get(url, HTTP_HOST="news.example.org").content.decode()
    assert f'<link rel="canonical" href="http://news.example.org{url}">' in page
    assert f'<meta property="og:url" content="http://news.example.org{url}">' in page
    assert "http://testserver/" not in page


def asked_if_public(client, url):
    """How many times building ``url`` asked which organisations are public."""
    with override_settings(NEWSROOM_PAGE_CACHE=False), CaptureQueriesContext(connection) as built:
        assert client.get(url).status_code == 200
    return sum(
        query["sql"].startswith('SELECT "newsroom_organisation"."id" AS "pk" FROM')
        for query in built.captured_queries
    )


def test_an_organisation_public_through_another_release_goes_with_it(
    client, make_release, editor, made
):
    # The release names a speaker alone; the office the speaker held that day belongs to an
    # organisation that is public only because another release names it.
    elsewhere = Organisation.objects.create(name="Named Elsewhere", slug="named-elsewhere")
    office = Office.objects.create(organisation=elsewhere, title="Envoy", slug="envoy")
    speaker = Person.objects.create(name="Speaker Alone", slug="speaker-alone")
    Appointment.objects.create(person=speaker, office=office)
    release = make_release(title="Speaker's release")
    Participant.objects.create(release=release, person=speaker)
    other = make_release(title="Naming release")
    other.organisations.add(elsewhere)
    url = release.get_absolute_url()
    shown = 'Envoy, <a href="/organisations/named-elsewhere/">Named Elsewhere</a>'

    # Whether the organisation is public is asked once a build, whether the part is made
    # or kept.
    assert asked_if_public(client, url) == 1
    assert asked_if_public(client, url) == 1
    assert shown in built(client, url)[0]
    editing.take_step(other, "withdraw", by=editor, comment="Issued in error.")
    page, _ = built(client, url)
    assert "Speaker Alone" in page and "Named Elsewhere" not in page
    # The release's row did not change: its kept part was made again because the
    # organisation it showed is no longer public, and is not kept in its place.
    assert made.count("Speaker's release") == 2
    built(client, url)
    assert made.count("Speaker's release") == 3


# Every writer of a public release: the page built before the write shows the write at once.
# (Suggested links: tests/test_write_path.py builds the page before and after.)


def write_with_the_admin_form(release, *, editor, login, **_):
    from .test_admin_workflow import post_data
    from .test_write_path import change_url

    data = post_data(release, lead="A lead written in the admin.")
    assert login(editor).post(change_url(release), data).status_code == 302
    return "A lead written in the admin.", "The first lead."


def write_by_publishing_a_restored_revision(release, *, editor, client, **_):
    from newsroom.editorial.revisions import release_versions, restore_revision

    first = release_versions(release).first()
    release.lead = "A lead replaced later."
    editing.save_release(release, by=editor)
    assert "A lead replaced later." in built(client, f"/news/{release.slug}/")[0]
    draft = restore_revision(release, first, editor)
    editing.take_step(draft, "publish", editor)
    return "The first lead.", "A lead replaced later."


def write_by_taking_a_group_step(release, *, editor, **_):
    translation = editing.add_translation(release, "ru", by=editor)
    translation.title = "Перевод"
    translation.lead = "Перевод вводной части."
    editing.save_release(translation, by=editor)
    editing.take_group_step(release, "withdraw", editor, comment="Issued in error.")
    # The withdrawn page shows the title and lead readers last saw, not the release page.
    return None, '<article class="release">'


@pytest.mark.parametrize(
    "write",
    [
        write_with_the_admin_form,
        write_by_publishing_a_restored_revision,
        write_by_taking_a_group_step,
    ],
)
def test_every_writer_of_a_public_release_renews_its_kept_part(
    client, public_world, make_release, editor, login, write
):
    release = make_release(title="Written release", lead="The first lead.")
    editing.save_release(
        release, by=editor, links=[editing.organisations([public_world.organisation])]
    )
    url = f"/news/{release.slug}/"
    assert "The first lead." in built(client, url)[0]
    release.refresh_from_db()
    shown, gone = write(release, editor=editor, login=login, client=client)
    with override_settings(NEWSROOM_PAGE_CACHE=False):
        response = client.get(url)
    page = response.content.decode()
    assert gone not in page
    if shown is None:
        assert response.status_code == 410
    else:
        assert response.status_code == 200 and shown in page
