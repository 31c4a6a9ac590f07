from django.urls import path, re_path

from . import api, feeds, views
from .cache import cached_public_page as cached

app_name = "newsroom"

urlpatterns = [
    path("", cached(views.HomeView.as_view()), name="home"),
    path("news/", cached(views.NewsListView.as_view()), name="news_list"),
    re_path(
        r"^news/(?P<year>[0-9]{4})/$", cached(views.YearArchive.as_view()), name="archive_year"
    ),
    re_path(
        r"^news/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/$",
        cached(views.MonthArchive.as_view()),
        name="archive_month",
    ),
    path("news/<slug:slug>/", cached(views.ReleaseDetailView.as_view()), name="release_detail"),
    path("topics/<slug:slug>/", cached(views.TopicDetailView.as_view()), name="topic_detail"),
    path("organisations/", cached(views.OrganisationListView.as_view()), name="organisation_list"),
    path(
        "organisations/<slug:slug>/",
        cached(views.OrganisationDetailView.as_view()),
        name="organisation_detail",
    ),
    path("people/<slug:slug>/", cached(views.PersonDetailView.as_view()), name="person_detail"),
    path(
        "documents/<slug:slug>/", cached(views.DocumentDetailView.as_view()), name="document_detail"
    ),
    path("search/", cached(views.SearchView.as_view()), name="search"),
    path("feeds/", cached(views.FeedsView.as_view()), name="feeds"),
    path("feeds/news.rss", cached(feeds.ReleaseFeed()), name="feed_rss"),
    path("feeds/news.atom", cached(feeds.AtomReleaseFeed()), name="feed_atom"),
    path("feeds/topics/<slug:slug>.rss", cached(feeds.TopicFeed()), name="topic_feed_rss"),
    path("feeds/topics/<slug:slug>.atom", cached(feeds.AtomTopicFeed()), name="topic_feed_atom"),
    path(
        "feeds/organisations/<slug:slug>.rss",
        cached(feeds.OrganisationFeed()),
        name="organisation_feed_rss",
    ),
    path(
        "feeds/organisations/<slug:slug>.atom",
        cached(feeds.AtomOrganisationFeed()),
        name="organisation_feed_atom",
    ),
    path("api/releases/", cached(api.release_list), name="api_release_list"),
    path("api/releases/<slug:slug>/", cached(api.release_detail), name="api_release_detail"),
    path("api/organisations/", cached(api.organisation_list), name="api_organisation_list"),
]
