"""Topics: the subjects releases are filed under, each with a page and a feed.

taggit's ``TagBase`` gives the name and the slug made from it; the project's
own model adds the name in the site's other languages, which taggit's ``Tag``
cannot carry without migrations inside taggit. Releases reach their topics
through ``TaggedTopic`` (``releases.py``), a real foreign key to the release.
"""

from django.db import models
from taggit.models import TagBase

from newsroom.addresses import address

from .languages import TRANSLATION_HELP, localised


class Topic(TagBase):
    name_ru = models.CharField(
        "name (Russian)", max_length=100, blank=True, help_text=TRANSLATION_HELP
    )
    name_zh_hans = models.CharField(
        "name (Chinese)", max_length=100, blank=True, help_text=TRANSLATION_HELP
    )

    class Meta:
        ordering = ["name"]

    def get_absolute_url(self):
        return address("newsroom:topic_detail", slug=self.slug)

    @property
    def local_name(self):
        return localised(self, "name")
