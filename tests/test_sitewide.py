"""``{% sitewide %}``: the parts every page shares, rendered once for each language; and
the site's addresses, each worked out once for each language."""

from unittest import mock

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import override_settings
from django.utils import translation

from newsroom import addresses

pytestmark = pytest.mark.django_db


def navigation():
    """A template of its own: what one test renders, another has not kept."""
    return Template(
        "{% load i18n newsroom_addresses newsroom_sitewide %}"
        "{% sitewide %}<a href=\"{% address 'newsroom:news_list' %}\">"
        '{% translate "News" %}</a>{% endsitewide %}'
    )


def render(template):
    return template.render(Context())


def test_each_language_gets_its_own_words_and_addresses():
    navigation_bar = navigation()
    with translation.override("en"):
        english = render(navigation_bar)
    with translation.override("ru"):
        russian = render(navigation_bar)
    with translation.override("en"):
        assert render(navigation_bar) == english
    assert english == '<a href="/news/">News</a>'
    assert russian == '<a href="/ru/news/">Новости</a>'


def test_a_part_is_rendered_once_then_read():
    navigation_bar = navigation()
    with (
        translation.override("en"),
        mock.patch.object(addresses, "_address", wraps=addresses._address) as worked_out,
    ):
        first = render(navigation_bar)
        assert render(navigation_bar) == first
        assert render(navigation_bar) == first
    assert worked_out.call_count == 1


def test_a_changed_setting_renders_it_again():
    navigation_bar = navigation()
    with translation.override("en"):
        render(navigation_bar)
        with (
            override_settings(FORCE_SCRIPT_NAME="/press/"),
            mock.patch.object(addresses, "_address", wraps=addresses._address) as worked,
        ):
            render(navigation_bar)
        assert worked.call_count == 1


def test_two_parts_keep_their_own_text():
    both = Template(
        "{% load newsroom_sitewide %}{% sitewide %}one{% endsitewide %}"
        "{% sitewide %}two{% endsitewide %}"
    )
    assert render(both) == "onetwo"


@pytest.mark.parametrize(
    "inside",
    ["{{ request.path }}", "{% block title %}x{% endblock %}", "{% if x %}{{ x }}{% endif %}"],
)
def test_what_differs_between_requests_is_refused_when_the_template_is_read(inside):
    with pytest.raises(TemplateSyntaxError, match="rendered once for every page"):
        Template("{% load newsroom_sitewide %}{% sitewide %}" + inside + "{% endsitewide %}")


def test_every_page_shows_the_navigation_in_its_language(client, public_world, make_release):
    release = public_world.attach(make_release())
    for url, words in [
        ("/", 'href="/news/">News</a>'),
        ("/ru/", 'href="/ru/news/">Новости</a>'),
        (release.get_absolute_url(), 'href="/news/">News</a>'),
        ("/zh-hans/news/", 'href="/zh-hans/news/">'),
        ("/organisations/", 'action="/search/"'),
        ("/ru/organisations/", 'action="/ru/search/"'),
    ]:
        assert words in client.get(url).content.decode(), url


def test_an_address_in_another_language_is_the_one_reverse_gives_under_it():
    from django.urls import reverse

    with translation.override("en"):
        in_russian = addresses.address_in("ru", "newsroom:release_detail", slug="a-release")
        assert translation.get_language() == "en"
        with mock.patch.object(translation, "override", wraps=translation.override) as switched:
            again = addresses.address_in("ru", "newsroom:release_detail", slug="a-release")
        assert switched.call_count == 0
    with translation.override("ru"):
        assert (
            in_russian == again == reverse("newsroom:release_detail", kwargs={"slug": "a-release"})
        )
    assert in_russian == "/ru/news/a-release/"


@pytest.mark.parametrize("language", ["en", "ru", "zh-hans"])
def test_an_address_with_a_slug_is_the_one_reverse_gives(language):
    """A sitemap names every release: its address is reversed once per language, and
    each slug put in place of a stand-in."""
    from django.urls import reverse

    for slug in ("a-release", "2024_06-summit", "slug-stand-in-x"):
        made = addresses.address_with_slug(language, "newsroom:release_detail", slug)
        with translation.override(language):
            assert made == reverse("newsroom:release_detail", kwargs={"slug": slug})
    with mock.patch.object(addresses, "_address", wraps=addresses._address) as reversed_:
        addresses.address_with_slug(language, "newsroom:release_detail", "another-release")
    assert reversed_.call_count == 0
