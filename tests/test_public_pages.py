"""What readers see on the public pages, and how the pages meet bad input."""

import datetime
import io
import json
import re
import uuid
import xml.etree.ElementTree as ET

import pytest
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.test import RequestFactory
from PIL import Image

from newsroom.demo import SEED_SLUG
from newsroom.editorial import editing
from newsroom.models import (
    Appointment,
    DatePrecision,
    Document,
    Office,
    Organisation,
    OrganisationRelation,
    Person,
    Photo,
    PressRelease,
)
from newsroom.site.context import release_page_context

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
BASE = datetime.datetime(2024, 3, 10, 9, 0, tzinfo=datetime.UTC)


def text(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def json_ld(page):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


# The release page


def test_release_page_metadata_is_complete_and_json_ld_parses(client, public_world, make_release):
    release = public_world.attach(
        make_release(title="Summit <in> Qingdao", correction_note="Fixed.")
    )
    page = text(client, release.get_absolute_url())
    url = f"http://testserver/news/{release.slug}/"
    assert f'<link rel="canonical" href="{url}">' in page
    assert f'<meta property="og:url" content="{url}">' in page
    assert '<meta property="og:title" content="Summit &lt;in&gt; Qingdao">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert '<meta property="og:locale" content="en_GB">' in page
    # The social card, never the original (whose file this test does not even make).
    og_image = re.search(r'<meta property="og:image" content="([^"]+)">', page).group(1)
    assert og_image.startswith("http://testserver/") and f"{release.slug}.jpg" not in og_image
    data = json_ld(page)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Summit <in> Qingdao"
    assert data["dateline"] == "QINGDAO, 1 January 2024"
    assert data["datePublished"].startswith("2024-01-01T09:00:00")
    assert data["dateModified"]
    # Without a rendition of the photo, the logo stands in: never the original.
    assert data["image"] == ["http://testserver/static/img/logo.svg"]
    assert data["publisher"]["@type"] == "Organization"
    assert data["about"] == [
        {"@type": "Organization", "name": "Organisation of Tests", "alternateName": "OOT",
         "url": "http://testserver/organisations/oot/"}
    ]  # fmt: skip
    # The title's angle brackets cannot close the script element early.
    assert "Summit <in>" not in page.split('application/ld+json">')[1].split("</script>")[0]


def test_release_page_links_public_translations_with_hreflang(client, make_release):
    group = uuid.uuid4()
    english = make_release(translation_group=group)
    make_release(translation_group=group, language="ru", slug="vstrecha")
    make_release(
        translation_group=group,
        language="zh-hans",
        slug="draft-zh",
        status=PressRelease.Status.DRAFT,
        publish_at=None,
    )
    page = text(client, english.get_absolute_url())
    assert '<link rel="alternate" hreflang="en" href="http://testserver/news/release-1/">' in page
    assert '<link rel="alternate" hreflang="ru" href="http://testserver/ru/news/vstrecha/">' in page
    assert "draft-zh" not in page
    assert 'hreflang="ru" lang="ru">Русский</a>' in page


def photo_file(name="a.jpg"):
    """A real image: a page shows a photo through its renditions, made from the file."""
    buffer = io.BytesIO()
    Image.new("RGB", (900, 600), "navy").save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name=name)


def test_release_page_shows_correction_photos_and_office_holder(
    client, public_world, make_release, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    release = make_release(correction_note="An earlier version named the wrong city.")
    release.participants.create(office=public_world.office, role="chair")
    Photo.objects.create(
        release=release, image=photo_file(), alt_text="Officials at a table",
        caption="The meeting", credit="Press office",
    )  # fmt: skip
    page = text(client, release.get_absolute_url())
    assert "An earlier version named the wrong city." in page
    assert re.search(
        r"Updated <time[^>]*>[^<]+</time>:</strong> <span lang=\"en\">An earlier version", page
    )
    assert 'alt="Officials at a table"' in page
    assert "The meeting" in page and '<span class="credit">Press office</span>' in page
    # The office was named without a person; the appointment says who held it that day.
    assert '<a href="/people/ada-holder/">Ada Holder</a>' in page
    assert "(chair)" in page


def test_release_page_dateline_in_press_style(client, demo):
    assert "QINGDAO, 9 June 2018 —" in text(client, f"/news/{SEED_SLUG}/")


def test_related_and_previous_next_are_public_only(client, public_world, make_release):
    older = public_world.attach(make_release(title="Older one", publish_at=BASE - DAY))
    current = public_world.attach(make_release(title="Current one", publish_at=BASE))
    public_world.attach(make_release(title="Hidden one", status="draft", publish_at=None))
    public_world.attach(make_release(title="Future one", publish_at=BASE + 5000 * DAY))
    newer = make_release(title="Newer unrelated", publish_at=BASE + DAY)
    page = text(client, current.get_absolute_url())
    related = page.split('id="related-heading"')[1].split("</section>")[0]
    assert "Older one" in related
    assert "Newer unrelated" not in related
    assert f'<a rel="prev" href="{older.get_absolute_url()}">' in page
    assert f'<a rel="next" href="{newer.get_absolute_url()}">' in page
    assert "Hidden one" not in page and "Future one" not in page


def test_preview_context_renders_a_banner_and_noindex(rf, public_world, make_release):
    public = public_world.attach(make_release(title="Public neighbour", publish_at=BASE - DAY))
    draft = public_world.attach(
        make_release(title="Draft under review", status="in_review", publish_at=None)
    )
    public_world.attach(make_release(title="Other draft", status="draft", publish_at=None))
    request = rf.get("/admin/preview/")
    context = release_page_context(draft, request=request)
    assert context["release"] == draft
    assert context["related_releases"] == [public]
    assert context["previous_release"] == public
    page = render_to_string(
        "newsroom/release_detail.html", {**context, "is_preview": True}, request=request
    )
    assert '<meta name="robots" content="noindex">' in page
    assert "Preview</strong>" in page
    assert "Other draft" not in page
    assert '<link rel="canonical"' not in page


def test_withdrawn_release_answers_410_with_notice_and_date(client, make_release):
    release = make_release(
        status="withdrawn",
        first_published_at=BASE,
        withdrawn_at=BASE + DAY,
        withdrawal_reason="Issued in error.",
    )
    response = client.get(release.get_absolute_url())
    assert response.status_code == 410
    page = response.content.decode()
    assert "Issued in error." in page and "11 March 2024" in page
    assert '<meta name="robots" content="noindex">' in page


# Lists, archives, topics


def test_home_features_the_newest_release_with_a_photo(
    client, public_world, make_release, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    featured = make_release(title="With a photo", publish_at=BASE - DAY)
    photo = Photo.objects.create(release=featured, image=photo_file(), alt_text="The table")
    make_release(title="Newest without photo", publish_at=BASE)
    page = text(client, "/")
    assert page.index("With a photo") < page.index("Newest without photo")
    stem = photo.image.name.rsplit(".", 1)[0]
    assert 'class="featured"' in page and f"{stem}.list." in page


def test_news_list_filters_by_kind_topic_organisation_and_year(client, public_world, make_release):
    public_world.attach(
        make_release(title="Tagged statement", kind="statement", publish_at=BASE), "youth"
    )
    make_release(
        title="Old news",
        kind="news",
        publish_at=BASE.replace(year=2019),
        dateline_date=BASE.replace(year=2019).date(),
    )
    cases = {
        "kind=statement": ["Tagged statement"],
        "topic=youth": ["Tagged statement"],
        "organisation=oot": ["Tagged statement"],
        "year=2019": ["Old news"],
        "year=2019&kind=statement": [],
        "kind=nonsense": [],
        "topic=%00": [],
        "organisation=no-such": [],
    }
    for query, expected in cases.items():
        page = text(client, f"/news/?{query}")
        for title in ["Tagged statement", "Old news"]:
            assert (f">{title}</a>" in page) == (title in expected), query
    # A year that is no year is not a page of the archive.
    for query in ["year=abcd", "year=99999", "year=0000"]:
        assert client.get(f"/news/?{query}").status_code == 404, query


def test_year_and_month_archives(client, make_release):
    make_release(title="March release", publish_at=BASE, dateline_date=BASE.date())
    make_release(
        title="May release",
        publish_at=BASE.replace(month=5),
        dateline_date=BASE.replace(month=5).date(),
    )
    year = text(client, "/news/2024/")
    assert "March release" in year and "May release" in year
    assert 'href="/news/2024/03/"' in year
    month = text(client, "/news/2024/03/")
    assert "March release" in month and "May release" not in month
    for url in ["/news/2024/04/", "/news/2023/", "/news/2024/13/", "/news/2024/00/"]:
        assert client.get(url).status_code == 404, url


def test_topic_page_lists_its_public_releases(client, make_release):
    release = make_release(title="Youth appeal")
    release.tags.add("youth policy")
    page = text(client, "/topics/youth-policy/")
    assert "youth policy" in page and "Youth appeal" in page
    assert 'href="/feeds/topics/youth-policy.rss"' in page


# Organisations, people, documents


def test_organisation_page_shows_relations_both_ways_with_precision_and_basis(client, demo):
    sco = text(client, "/organisations/sco/")
    assert "since April 2005" in sco and "since October 2007" in sco
    assert "Memorandum of Understanding between the SCO and the CIS" in sco
    assert 'href="/organisations/sco-regional-anti-terrorist-structure/"' in sco
    cis = text(client, "/organisations/cis/")
    # The relation is stored from the SCO's side and shows on the CIS page too.
    assert (
        'href="/organisations/sco/">Shanghai Cooperation Organisation</a>: partner since April 2005'
        in cis
    )
    assert "CIS Anti-Terrorism Centre" in cis


def test_organisation_page_draws_its_relations_as_inline_svg(client, demo):
    page = text(client, "/organisations/sco/")
    svg = page.split('<svg class="relations-diagram"')[1].split("</svg>")[0]
    # Not an image: the boxes inside are links a screen reader must reach. An svg's own
    # role (a graphics document) keeps them; role="group" is not valid on svg.
    assert "role=" not in svg.split(">", 1)[0]
    assert 'aria-labelledby="diagram-title"' in svg
    ET.fromstring(f'<svg class="relations-diagram"{svg}</svg>')
    assert '<a href="/organisations/cis/">' in svg
    assert "Partner since April 2005" in svg
    assert "<script" not in svg


def test_organisation_index_groups_bodies_under_their_parent(client, demo):
    page = text(client, "/organisations/")
    sco_entry = page.split('href="/organisations/sco/"')[1].split(
        'href="/organisations/united-nations/"'
    )[0]
    assert "SCO Regional Anti-Terrorist Structure" in sco_entry
    assert "CIS Anti-Terrorism Centre" not in sco_entry
    assert page.count('href="/organisations/sco-regional-anti-terrorist-structure/"') == 1


def test_person_page_shows_offices_with_their_dates_and_leaves_unknown_dates_out(
    client, public_world, make_release
):
    other_office = Office.objects.create(
        organisation=public_world.organisation, title="Envoy", slug="envoy"
    )
    Appointment.objects.create(person=public_world.person, office=other_office)
    release = make_release(title="Named by office only", dateline_date=datetime.date(2021, 1, 1))
    release.participants.create(office=public_world.office)
    make_release(
        title="Before the appointment", dateline_date=datetime.date(2019, 1, 1)
    ).participants.create(office=public_world.office)
    page = text(client, "/people/ada-holder/")
    assert "Secretary-General" in page and "since 1 January 2020" in page
    assert "Envoy" in page and "not known" not in page
    envoy = page.split("Envoy, ")[1].split("</li>")[0]
    assert envoy == '<a href="/organisations/oot/">Organisation of Tests</a>'
    assert "Named by office only" in page
    assert "Before the appointment" not in page


def test_document_page_shows_parties_and_releases(client, public_world, make_release):
    public_world.attach(make_release(title="Release citing it"))
    public_world.document.parties.add(public_world.organisation)
    page = text(client, "/documents/memorandum/")
    assert "Release citing it" in page and "Organisation of Tests" in page
    # The document's date is not known: the page says nothing of it.
    assert "not known" not in page
    assert '<p class="kind">Other</p>' in page


# Bad input, error pages, accessibility


@pytest.mark.parametrize(
    "url",
    [
        "/news/no-such-release/",
        "/organisations/no-such/",
        "/people/no-such/",
        "/documents/no-such/",
        "/topics/no-such/",
        "/news/?page=999",
        "/news/?page=abc",
        "/?page=0",
        "/news/2024/99/",
        "/feeds/topics/no-such.atom",
        "/api/releases/no-such/",
        "/ru/news/no-such/",
    ],
)
def test_bad_addresses_answer_404_not_500(client, make_release, url):
    make_release()
    assert client.get(url).status_code == 404


def test_custom_404_page_offers_search(client, db):
    page = text(client, "/news/nothing-here/", status=404)
    assert "Page not found" in page and 'role="search"' in page


def test_500_page_stands_alone(client, db):
    page = render_to_string("500.html")
    assert "Something went wrong" in page and "{%" not in page


def test_pages_have_skip_link_landmarks_and_no_external_assets(client, demo, settings):
    page = text(client, f"/news/{SEED_SLUG}/")
    assert page.index('class="skip-link" href="#main"') < page.index("<main")
    for landmark in ["<header", '<main id="main"', "<nav", "<footer"]:
        assert landmark in page
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:css|js|woff2?|svg|png))"', page)
    assert assets and all(asset.startswith("/") for asset in assets)
    css = (settings.BASE_DIR / "static/css/site.css").read_text()
    assert "@media print" in css and ":focus-visible" in css
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css) and "@import" not in css


def test_request_factory_request_builds_absolute_urls(rf: RequestFactory, make_release):
    release = make_release()
    context = release_page_context(release, request=rf.get("/"))
    assert context["canonical_url"] == f"http://testserver/news/{release.slug}/"


def test_pages_without_request_still_build(make_release):
    context = release_page_context(make_release())
    assert context["canonical_url"].startswith("/news/")


def test_relation_without_dates_shows_no_since(client, make_organisation):
    one = make_organisation(name="Alpha", slug="alpha", is_listed=True)
    two = make_organisation(name="Beta", slug="beta", is_listed=True)
    OrganisationRelation.objects.create(
        organisation=one, other=two, kind="observer", since=datetime.date(2010, 1, 1),
        since_precision=DatePrecision.YEAR,
    )  # fmt: skip
    assert "observer since 2010" in text(client, "/organisations/beta/")
    assert Document.objects.count() == 0 and Person.objects.count() == 0
    assert Organisation.objects.count() == 2


def test_participant_named_without_office_shows_the_office_held_that_day(
    client, public_world, make_release
):
    release = make_release(dateline_date=datetime.date(2021, 5, 5))
    release.participants.create(person=public_world.person, role="speaker")
    release.organisations.add(public_world.organisation)
    page = text(client, release.get_absolute_url())
    assert (
        '<a href="/people/ada-holder/">Ada Holder</a>, Secretary-General, '
        '<a href="/organisations/oot/">Organisation of Tests</a>'
    ) in page
    earlier = make_release(slug="earlier", dateline_date=datetime.date(2019, 5, 5))
    earlier.participants.create(person=public_world.person)
    assert "Secretary-General" not in text(client, earlier.get_absolute_url())


def test_office_held_in_a_hidden_organisation_is_not_shown_beside_the_person(
    client, public_world, make_release
):
    # The release names the person alone; nothing public names the office's organisation.
    release = make_release(dateline_date=datetime.date(2021, 5, 5))
    release.participants.create(person=public_world.person, role="speaker")
    page = text(client, release.get_absolute_url())
    assert '<a href="/people/ada-holder/">Ada Holder</a>' in page
    assert "Secretary-General" not in page and "Organisation of Tests" not in page
    # Once a public release names the organisation, the office shows beside the person.
    naming = make_release(slug="naming-it")
    editing.save_release(
        naming, by=None, links=[editing.organisations([public_world.organisation])]
    )
    assert "Secretary-General, " in text(client, release.get_absolute_url())


def test_featured_release_is_not_listed_twice(client, public_world, make_release):
    public_world.attach(make_release(title="With a photo"))
    make_release(title="Another one")
    page = text(client, "/")
    assert page.count(">With a photo</a>") == 1
    assert ">Another one</a>" in page


def test_a_photo_older_than_the_first_page_still_leads_it(client, make_release, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    featured = make_release(title="Old with a photo", publish_at=BASE - 100 * DAY)
    Photo.objects.create(release=featured, image=photo_file(), alt_text="The table")
    for number in range(25):
        make_release(title=f"Text only {number}", publish_at=BASE - number * DAY)
    page = text(client, "/")
    lead = page.split('class="featured"')[1].split("</section>")[0]
    assert "Old with a photo" in lead
    assert page.count('class="release-card"') == 20


def test_without_photos_the_newest_release_is_featured(client, make_release):
    make_release(title="Older text", publish_at=BASE - DAY)
    make_release(title="Newest text", publish_at=BASE)
    featured = text(client, "/").split('class="featured"')[1].split("</section>")[0]
    assert "Newest text" in featured and "<img" not in featured
