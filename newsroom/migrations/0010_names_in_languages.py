"""Names in Russian and Chinese beside the English ones, and topics as the project's own model.

Releases' topics move from taggit's generic tables into ``Topic`` and
``TaggedTopic`` (a real foreign key to the release), keeping names and slugs,
so topic pages and feeds keep their addresses.
"""

import django.db.models.deletion
import taggit.managers
from django.db import migrations, models


def release_tags(apps):
    """taggit's rows that file a release under a tag."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    TaggedItem = apps.get_model("taggit", "TaggedItem")
    release_type = ContentType.objects.filter(app_label="newsroom", model="pressrelease").first()
    if release_type is None:
        return TaggedItem.objects.none()
    return TaggedItem.objects.filter(content_type=release_type)


def move_tags_to_topics(apps, schema_editor):
    Tag = apps.get_model("taggit", "Tag")
    Topic = apps.get_model("newsroom", "Topic")
    TaggedTopic = apps.get_model("newsroom", "TaggedTopic")
    items = release_tags(apps)
    # Every tag was a topic, also one no release carries yet.
    tags = Tag.objects.order_by("pk")
    topics = {tag.pk: Topic.objects.create(name=tag.name, slug=tag.slug) for tag in tags.iterator()}
    # A generic key outlives its release; only rows of releases that exist are moved.
    releases = apps.get_model("newsroom", "PressRelease").objects.values("pk")
    TaggedTopic.objects.bulk_create(
        (
            TaggedTopic(tag=topics[tag_id], content_object_id=object_id)
            for tag_id, object_id in items.filter(object_id__in=releases)
            .values_list("tag_id", "object_id")
            .iterator()
        ),
        batch_size=1000,
        ignore_conflicts=True,
    )
    items.delete()
    # A tag nothing else is filed under now lives on only as a topic.
    Tag.objects.filter(taggit_taggeditem_items__isnull=True).delete()


def move_topics_to_tags(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Tag = apps.get_model("taggit", "Tag")
    TaggedItem = apps.get_model("taggit", "TaggedItem")
    Topic = apps.get_model("newsroom", "Topic")
    TaggedTopic = apps.get_model("newsroom", "TaggedTopic")
    release_type, _created = ContentType.objects.get_or_create(
        app_label="newsroom", model="pressrelease"
    )
    tags = {}
    for topic in Topic.objects.order_by("pk").iterator():
        tags[topic.pk] = Tag.objects.filter(slug=topic.slug).first() or Tag.objects.create(
            name=topic.name, slug=topic.slug
        )
    TaggedItem.objects.bulk_create(
        (
            TaggedItem(tag=tags[tag_id], content_type=release_type, object_id=release_id)
            for tag_id, release_id in TaggedTopic.objects.values_list(
                "tag_id", "content_object_id"
            ).iterator()
        ),
        batch_size=1000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0009_release_versions"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="Topic",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, unique=True, verbose_name="name")),
                (
                    "slug",
                    models.SlugField(
                        allow_unicode=True, max_length=100, unique=True, verbose_name="slug"
                    ),
                ),
                (
                    "name_ru",
                    models.CharField(
                        blank=True,
                        help_text="Leave empty to show the English.",
                        max_length=100,
                        verbose_name="name (Russian)",
                    ),
                ),
                (
                    "name_zh_hans",
                    models.CharField(
                        blank=True,
                        help_text="Leave empty to show the English.",
                        max_length=100,
                        verbose_name="name (Chinese)",
                    ),
                ),
            ],
            options={
                "ordering": ["name"],
            },
        ),
        migrations.AddField(
            model_name="document",
            name="title_ru",
            field=models.CharField(
                blank=True,
                help_text="Leave empty to show the English.",
                max_length=500,
                verbose_name="title (Russian)",
            ),
        ),
        migrations.AddField(
            model_name="document",
            name="title_zh_hans",
            field=models.CharField(
                blank=True,
                help_text="Leave empty to show the English.",
                max_length=500,
                verbose_name="title (Chinese)",
            ),
        ),
        migrations.AddField(
            model_name="office",
            name="title_ru",
            field=models.CharField(
                blank=True,
                help_text="Leave empty to show the English.",
                max_length=255,
                verbose_name="title (Russian)",
            ),
        ),
        migrations.AddField(
            model_name="office",
            name="title_zh_hans",
            field=models.CharField(
                blank=True,
                help_text="Leave empty to show the English.",
                max_length=255,
                verbose_name="title (Chinese)",
            ),
        ),
        migrations.AddField(
            model_name="organisation",
            name="name_ru",
            field=models.CharField(
                blank=True,
                help_text="Leave empty to show the English.",
                max_length=255,
                verbose_name="name (Russian)",
            ),
        ),
        migrations.AddField(
            model_name="organisation",
            name="name_zh_hans",
            field=models.CharField(
                blank=True,
                help_text="Leave empty to show the English.",
                max_length=255,
                verbose_name="name (Chinese)",
            ),
        ),
        migrations.AddField(
            model_name="organisation",
            name="short_name_ru",
            field=models.CharField(
                blank=True,
                help_text="E.g. “ШОС”.",
                max_length=64,
                verbose_name="short name (Russian)",
            ),
        ),
        migrations.AddField(
            model_name="organisation",
            name="short_name_zh_hans",
            field=models.CharField(
                blank=True,
                help_text="E.g. “上合组织”.",
                max_length=64,
                verbose_name="short name (Chinese)",
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="name_ru",
            field=models.CharField(
                blank=True,
                help_text="Leave empty to show the English.",
                max_length=255,
                verbose_name="name (Russian)",
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="name_zh_hans",
            field=models.CharField(
                blank=True,
                help_text="Leave empty to show the English.",
                max_length=255,
                verbose_name="name (Chinese)",
            ),
        ),
        migrations.CreateModel(
            name="TaggedTopic",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "content_object",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tagged_topics",
                        to="newsroom.pressrelease",
                    ),
                ),
                (
                    "tag",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tagged_releases",
                        to="newsroom.topic",
                    ),
                ),
            ],
        ),
        migrations.AlterField(
            model_name="pressrelease",
            name="tags",
            field=taggit.managers.TaggableManager(
                blank=True,
                help_text="Topics, separated by commas.",
                through="newsroom.TaggedTopic",
                to="newsroom.Topic",
                verbose_name="Tags",
            ),
        ),
        migrations.AddConstraint(
            model_name="taggedtopic",
            constraint=models.UniqueConstraint(
                fields=("tag", "content_object"), name="unique_release_topic"
            ),
        ),
        migrations.RunPython(move_tags_to_topics, move_topics_to_tags),
    ]
