"""The public site as a new reader meets it: words they understand, no empty or doubled parts."""

import datetime
import re

import pytest
from django.conf import settings

from newsroom.editorial import editing

pytestmark = pytest.mark.django_db

BASE = datetime.datetime(2024, 3, 10, 9, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


def text(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def search_boxes(page):
    return len(re.findall(r'<input[^>]+type="search"', page))


# The label above a page title


def css_rule(selector):
    css = (settings.BASE_DIR / "static/css/site.css").read_text()
    match = re.search(rf"(?m)^{re.escape(selector)} {{([^}}]*)}}", css)
    assert match, f"no rule for {selector}"
    return match.group(1)


def test_the_label_above_a_title_stands_clear_of_the_header(client, make_release):
    release = make_release()
    release.tags.add("youth")
    for url in (release.get_absolute_url(), "/topics/youth/"):
        page = text(client, url)
        assert re.search(r'<p class="kind kicker">[^<]+</p>\s*<h1[ >]', page), url
    assert "margin-top: 1.5rem" in css_rule(".kicker")


# Error pages in words


@pytest.mark.parametrize(
    "prefix, words",
    [("", "Page not found"), ("/ru", "Страница не найдена"), ("/zh-hans", "页面未找到")],
)
def test_not_found_page_says_so_in_words_not_a_code(client, db, prefix, words):
    page = text(client, f"{prefix}/news/no-such-release/", status=404)
    main = page.split("<main")[1].split("</main>")[0]
    assert f"<h1>{words}</h1>" in main
    assert "404" not in main


@pytest.mark.parametrize(
    "prefix, words", [("", "Withdrawn"), ("/ru", "Отозвано"), ("/zh-hans", "已撤回")]
)
def test_withdrawn_page_says_withdrawn_in_words_not_a_code(client, make_release, prefix, words):
    release = make_release(status="withdrawn", first_published_at=BASE, withdrawn_at=BASE + DAY)
    page = text(client, f"{prefix}/news/{release.slug}/", status=410)
    main = page.split("<main")[1].split("</main>")[0]
    assert f'<p class="kind kicker">{words}</p>' in main
    assert "410" not in main


def test_server_error_page_shows_no_code(client, db):
    from django.template.loader import render_to_string

    page = render_to_string("500.html")
    assert "500" not in page.split("<main>")[1]


# The home page


def test_home_with_one_release_shows_it_without_an_empty_heading(client, make_release):
    make_release(title="The only release")
    page = text(client, "/")
    assert page.count(">The only release</a>") == 1
    assert 'class="section-heading"' not in page
    assert 'class="empty"' not in page


def test_home_with_more_releases_heads_the_list_that_follows(client, make_release):
    make_release(title="Older release", publish_at=BASE - DAY)
    make_release(title="Newest release", publish_at=BASE)
    page = text(client, "/")
    heading = page.index('class="section-heading"')
    assert page.index(">Newest release</a>") < heading < page.index(">Older release</a>")


def test_home_without_releases_says_so_under_its_heading(client, db):
    page = text(client, "/")
    assert "<h1>Latest news</h1>" in page
    assert "No releases have been published yet." in page


def test_later_home_pages_list_every_release_of_the_page_and_feature_none(client, make_release):
    for number in range(25):
        make_release(title=f"Release number {number}", publish_at=BASE + number * DAY)
    first = text(client, "/")
    assert first.count('class="release-card"') == 19 and 'class="featured"' in first
    second = text(client, "/?page=2")
    assert 'class="featured"' not in second
    assert second.count('class="release-card"') == 5
    assert "<h1>Latest news</h1>" in second


# One search box


@pytest.mark.parametrize("url", ["/search/", "/search/?q=summit", "/ru/search/?q=summit"])
def test_search_page_has_one_search_box(client, make_release, url):
    make_release(title="Summit")
    page = text(client, url)
    assert search_boxes(page) == 1
    assert 'id="search-q"' in page


def test_search_page_box_keeps_the_query(client, make_release):
    make_release(title="Summit")
    assert 'value="summit"' in text(client, "/search/?q=summit")


def test_not_found_page_has_one_search_box(client, db):
    assert search_boxes(text(client, "/news/no-such/", status=404)) == 1


def test_other_pages_keep_the_header_search_box(client, make_release):
    make_release()
    for url in ("/", "/news/", "/organisations/"):
        page = text(client, url)
        assert search_boxes(page) == 1 and 'id="site-search-q"' in page, url


# Unknown dates are left out


def test_document_without_a_date_says_nothing_of_it(client, public_world, make_release):
    public_world.attach(make_release())
    page = text(client, "/documents/memorandum/")
    assert '<p class="kind">Other</p>' in page
    assert "not known" not in page


def test_office_without_dates_is_named_without_dates(client, public_world, make_release):
    from newsroom.models import Appointment, Office

    public_world.attach(make_release())
    envoy = Office.objects.create(organisation=public_world.organisation, title="Envoy", slug="e")
    Appointment.objects.create(person=public_world.person, office=envoy)
    for prefix in ("", "/ru", "/zh-hans"):
        page = text(client, f"{prefix}/people/ada-holder/")
        offices = page.split('<ul class="offices">')[1].split("</ul>")[0]
        items = re.findall(r"<li>(.*?)</li>", offices, re.S)
        undated = next(item for item in items if item.startswith("Envoy"))
        assert undated.strip().endswith("Organisation of Tests</a>"), prefix
        dated = next(item for item in items if item.startswith("Secretary-General"))
        assert " — " in dated, prefix


# Archives go by the dateline's date


@pytest.fixture
def imported_late(make_release):
    """News of 3 March 2019, imported and published years later, and a newer item."""
    late = make_release(
        title="Dated 2019, published 2026",
        slug="dated-2019",
        dateline_date=datetime.date(2019, 3, 3),
        publish_at=datetime.datetime(2026, 1, 10, 9, 0, tzinfo=datetime.UTC),
    )
    recent = make_release(
        title="Dated and published 2025",
        slug="dated-2025",
        dateline_date=datetime.date(2025, 12, 1),
        publish_at=datetime.datetime(2025, 12, 1, 9, 0, tzinfo=datetime.UTC),
    )
    return late, recent


def titles(page):
    return re.findall(r'<h2 lang="en"><a href="/news/[^"]+/">([^<]+)</a></h2>', page)


def test_year_and_month_archives_go_by_the_dateline(client, imported_late):
    assert titles(text(client, "/news/2019/")) == ["Dated 2019, published 2026"]
    assert 'href="/news/2019/03/"' in text(client, "/news/2019/")
    assert titles(text(client, "/news/2019/03/")) == ["Dated 2019, published 2026"]
    assert titles(text(client, "/news/2025/12/")) == ["Dated and published 2025"]
    for url in ("/news/2026/", "/news/2026/01/", "/news/2019/01/"):
        assert client.get(url).status_code == 404, url


def test_archive_lists_in_dateline_order_and_links_months_with_news(client, make_release):
    make_release(
        title="June news, published first",
        dateline_date=datetime.date(2019, 6, 20),
        publish_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
    )
    make_release(
        title="February news, published later",
        dateline_date=datetime.date(2019, 2, 5),
        publish_at=datetime.datetime(2024, 6, 1, tzinfo=datetime.UTC),
    )
    year = text(client, "/news/2019/")
    assert titles(year) == ["June news, published first", "February news, published later"]
    assert re.findall(r'href="/news/2019/(\d\d)/"', year) == ["02", "06"]
    february = text(client, "/news/2019/02/")
    assert 'rel="next" href="/news/2019/06/"' in february
    assert 'rel="prev"' not in february


def test_news_list_year_filter_and_its_years_go_by_the_dateline(client, imported_late):
    page = text(client, "/news/?year=2019")
    assert titles(page) == ["Dated 2019, published 2026"]
    assert titles(text(client, "/news/?year=2026")) == []
    listing = text(client, "/news/")
    years = re.findall(r"<option(?: selected)?>(\d{4})</option>", listing)
    assert years == ["2025", "2019"]
    assert re.findall(r'href="/news/(\d{4})/"', listing) == ["2025", "2019"]


def test_news_list_filters_mark_the_choice_on_every_page_and_follow_public_changes(
    client, make_release
):
    make_release(dateline_date=datetime.date(2019, 2, 5))
    chosen = r"<option(?: value=\"[^\"]*\")? selected>([^<]*)</option>"
    assert re.findall(chosen, text(client, "/news/?year=2019")) == ["2019"]
    assert re.findall(chosen, text(client, "/news/?year=2019&kind=statement")) == [
        "Statement",
        "2019",
    ]
    # A value no option takes marks none, and is not a choice kept apart.
    assert re.findall(chosen, text(client, "/news/?kind=nothing")) == []
    assert re.findall(chosen, text(client, "/news/")) == []
    # Through the write path, which announces the change.
    editing.save_release(make_release(dateline_date=datetime.date(2021, 3, 1)), by=None)
    listing = text(client, "/news/?page=1")
    assert re.findall(r"<option(?: selected)?>(\d{4})</option>", listing) == ["2021", "2019"]


def test_home_news_list_and_feeds_keep_publication_order(client, imported_late):
    newest_first = ["Dated 2019, published 2026", "Dated and published 2025"]
    assert titles(text(client, "/news/")) == newest_first
    home = text(client, "/")
    assert home.index("Dated 2019, published 2026") < home.index("Dated and published 2025")
    feed = text(client, "/feeds/news.atom")
    assert feed.index("Dated 2019, published 2026") < feed.index("Dated and published 2025")


def test_a_dateline_after_today_does_not_hide_a_public_release(client, make_release):
    make_release(title="Announced ahead", dateline_date=datetime.date(2999, 5, 1))
    assert titles(text(client, "/news/2999/05/")) == ["Announced ahead"]


# The relations diagram


SVG = "{http://www.w3.org/2000/svg}"


def diagram_of(page):
    import xml.etree.ElementTree as ET

    svg = page.split('<svg class="relations-diagram"')[1].split("</svg>")[0]
    return ET.fromstring(f'<svg class="relations-diagram"{svg}</svg>')


def text_boxes(svg):
    """Each line of text in the diagram as (left, top, right, bottom, text), by the estimate
    the diagram wraps with."""
    from newsroom.site.diagram import text_width

    boxes = []
    for text in svg.iter(f"{SVG}text"):
        size = float(text.get("font-size"))
        bold = "centre" in " ".join(
            group.get("class", "") for group in svg.iter(f"{SVG}g") if text in list(group)
        )
        for span in text.iter(f"{SVG}tspan"):
            x, y = float(span.get("x")), float(span.get("y"))
            width = text_width(span.text, size, bold)
            boxes.append((x, y - 0.8 * size, x + width, y + 0.2 * size, span.text))
    return boxes


def segment_meets_box(line, box):
    x1, y1, x2, y2 = (float(line.get(name)) for name in ("x1", "y1", "x2", "y2"))
    left, top, right, bottom, _ = box
    # The diagram draws only upright and level lines.
    assert x1 == x2 or y1 == y2
    return (
        min(x1, x2) <= right and max(x1, x2) >= left and min(y1, y2) <= bottom
        and max(y1, y2) >= top
    )  # fmt: skip


@pytest.fixture
def crowded_organisation(make_organisation, make_release):
    """An organisation with a parent, relations of every sort of date and long-named bodies."""
    from newsroom.models import DatePrecision, OrganisationRelation

    parent = make_organisation(name="United Nations", slug="un")
    centre = make_organisation(
        name="Economic and Social Commission for Asia and the Pacific",
        short_name="ESCAP",
        slug="escap",
        parent=parent,
    )
    partners = [
        make_organisation(name="Organisation for Security and Co-operation in Europe"),
        make_organisation(name="Association of Southeast Asian Nations", short_name="ASEAN"),
        make_organisation(name="Shanghai Cooperation Organisation", short_name="SCO"),
    ]
    OrganisationRelation.objects.create(
        organisation=centre,
        other=partners[0],
        since=datetime.date(2005, 4, 1),
        since_precision=DatePrecision.MONTH,
        until=datetime.date(2010, 1, 1),
        until_precision=DatePrecision.YEAR,
    )
    OrganisationRelation.objects.create(
        organisation=partners[1], other=centre, kind="dialogue_partner"
    )
    OrganisationRelation.objects.create(
        organisation=centre, other=partners[2], kind="observer", until=datetime.date(2019, 6, 9)
    )
    for number in range(6):
        make_organisation(
            name=f"Subregional Office for South and South-West Asia number {number}",
            parent=centre,
            kind="body",
        )
    release = make_release()
    release.organisations.add(centre, *partners, *centre.bodies.all())
    return centre


@pytest.mark.parametrize("prefix", ["", "/ru", "/zh-hans"])
def test_diagram_words_never_sit_on_its_lines(client, crowded_organisation, prefix):
    svg = diagram_of(text(client, f"{prefix}/organisations/escap/"))
    lines = list(svg.iter(f"{SVG}line"))
    boxes = text_boxes(svg)
    assert len(lines) == 1 + 1 + 3 + 6  # the trunk, and a branch to each neighbour
    for line in lines:
        for box in boxes:
            assert not segment_meets_box(line, box), (box[-1], line.attrib)


@pytest.mark.parametrize("prefix", ["", "/ru", "/zh-hans"])
def test_diagram_keeps_its_text_inside_its_boxes_and_its_size_on_a_phone(
    client, crowded_organisation, prefix
):
    svg = diagram_of(text(client, f"{prefix}/organisations/escap/"))
    width = float(svg.get("width"))
    # Drawn at one unit per pixel, it fits a 360 px screen less the page's margins.
    assert svg.get("viewBox") == f"0 0 {svg.get('width')} {svg.get('height')}"
    assert width <= 360 - 32
    for node in svg.iter(f"{SVG}text"):
        assert float(node.get("font-size")) >= 13
    rects = [
        tuple(float(rect.get(name)) for name in ("x", "y", "width", "height"))
        for rect in svg.iter(f"{SVG}rect")
    ]
    for left, _top, right, _bottom, words in text_boxes(svg):
        assert left >= 0 and right <= width, words
    # Names sit inside their boxes.
    for link in svg.iter(f"{SVG}a"):
        x, y, w, h = (
            float(link.find(f"{SVG}g/{SVG}rect").get(n)) for n in ("x", "y", "width", "height")
        )
        for span in link.iter(f"{SVG}tspan"):
            assert x < float(span.get("x")) and y < float(span.get("y")) < y + h
        assert (x, y, w, h) in rects


def test_diagram_is_as_tall_as_what_it_draws(client, crowded_organisation):
    svg = diagram_of(text(client, "/organisations/escap/"))
    bottom = max(float(r.get("y")) + float(r.get("height")) for r in svg.iter(f"{SVG}rect"))
    assert float(svg.get("height")) - bottom <= 2


def test_diagram_wraps_long_names_instead_of_cutting_them(client, crowded_organisation):
    svg = diagram_of(text(client, "/organisations/escap/"))
    names = {}
    for link in svg.iter(f"{SVG}a"):
        spans = [span.text for span in link.iter(f"{SVG}tspan")]
        names[link.find(f"{SVG}title").text] = spans
    centre = names["Economic and Social Commission for Asia and the Pacific"]
    assert len(centre) > 1 and " ".join(centre) == (
        "Economic and Social Commission for Asia and the Pacific"
    )
    long_body = names["Subregional Office for South and South-West Asia number 5"]
    assert len(long_body) > 1 and "…" not in "".join(long_body)


def test_diagram_links_every_neighbour_by_its_full_name(client, crowded_organisation):
    svg = diagram_of(text(client, "/organisations/escap/"))
    links = {link.get("href"): link.find(f"{SVG}title").text for link in svg.iter(f"{SVG}a")}
    assert links["/organisations/un/"] == "United Nations"
    assert len(links) == 1 + 1 + 3 + 6
    labels = [
        " ".join(span.text for span in label.iter(f"{SVG}tspan"))
        for label in svg.iter(f"{SVG}text")
        if label.get("class") == "label"
    ]
    assert labels == [
        "Part of",
        "Partner from April 2005 to 2010",
        "Dialogue partner",
        "Observer until 9 June 2019",
        "Bodies",
    ]


def test_diagram_wraps_chinese_words_between_characters():
    from newsroom.site.diagram import text_width, wrap

    label = "自2005年4月起至2010年止为对话伙伴" * 3
    lines = wrap(label, 13, 200, 5)
    assert len(lines) > 1 and "".join(lines) == label
    assert all(text_width(line, 13) <= 200 for line in lines)


def test_diagram_cuts_only_beyond_its_line_limit():
    from newsroom.site.diagram import wrap

    lines = wrap("word " * 200, 14, 200, 4)
    assert len(lines) == 4 and lines[-1].endswith("…")
    assert wrap("Supercalifragilisticexpialidocious" * 3, 14, 120, 9)[0] != ""


def test_diagram_scrolls_rather_than_shrinks_on_narrow_screens():
    assert "max-width: none" in css_rule(".relations-diagram")
    assert "overflow-x: auto" in css_rule(".diagram-frame")


# Languages


@pytest.mark.parametrize("prefix", ["", "/ru", "/zh-hans"])
def test_language_links_name_each_language_in_itself(client, make_release, prefix):
    make_release()
    footer = text(client, f"{prefix}/").split('<footer class="site-footer">')[1]
    names = re.findall(r'<a href="[^"]*" lang="([^"]+)" hreflang="[^"]+"[^>]*>([^<]+)</a>', footer)
    assert names == [("en", "English"), ("ru", "Русский"), ("zh-hans", "简体中文")]


def test_a_release_is_marked_with_its_language_on_a_page_in_another(client, make_release):
    release = make_release(title="Summit in Qingdao", correction_note="Date corrected.")
    listing = text(client, "/zh-hans/news/")
    assert '<h2 lang="en"><a href="/zh-hans/news/release-1/">Summit in Qingdao</a></h2>' in listing
    assert '<p class="lead" lang="en">' in listing
    page = text(client, f"/zh-hans/news/{release.slug}/")
    assert '<h1 lang="en">Summit in Qingdao</h1>' in page
    assert '<div class="body" lang="en">' in page
    assert '<span lang="en">Date corrected.</span>' in page
    # The page's own words around the release stay in the page's language.
    assert '<article class="release">' in page


def test_news_list_names_its_archive_links(client, make_release):
    make_release()
    for prefix, label in [("", "Archive by year"), ("/ru", "Архив по годам")]:
        page = text(client, f"{prefix}/news/")
        nav = page.split('<nav class="archive-links"')[1].split("</nav>")[0]
        assert 'aria-labelledby="archive-label"' in nav
        assert f'<span id="archive-label" class="archive-label">{label}</span>' in nav


def test_relations_list_says_when_a_relation_ended(client, crowded_organisation):
    relations = text(client, "/organisations/escap/").split('<ul class="relations">')[1]
    relations = relations.split("</ul>")[0]
    assert "</a>: partner from April 2005 to 2010</li>" in relations
    assert "</a>: observer until 9 June 2019</li>" in relations
    assert "</a>: dialogue partner</li>" in relations
    russian = text(client, "/ru/organisations/escap/")
    assert "партнёр с апреля 2005 до 2010" in russian


def test_organisation_page_names_its_parent_outside_the_kind_label(client, crowded_organisation):
    page = text(client, "/organisations/escap/")
    assert '<p class="kind">Intergovernmental organisation</p>' in page
    assert '<p class="part-of">Part of <a href="/organisations/un/">United Nations</a></p>' in page
    assert '<p class="part-of">Входит в <a href="/ru/organisations/un/">' in text(
        client, "/ru/organisations/escap/"
    )


def test_raw_feed_links_on_topic_and_organisation_pages_come_with_an_explanation(
    client, public_world, make_release
):
    public_world.attach(make_release(), "youth")
    for prefix, words in [("", "What is a feed?"), ("/zh-hans", "什么是订阅源？")]:
        for url in ("/topics/youth/", "/organisations/oot/"):
            feeds = text(client, prefix + url).split('<p class="feeds">')[1].split("</p>")[0]
            assert f'<a href="{prefix}/feeds/">{words}</a>' in feeds, url
