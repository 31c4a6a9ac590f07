"""Migration 0010 moves releases' taggit tags into the project's topics, names and slugs kept."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

MIGRATION = ("newsroom", "0010_names_in_languages")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return MigrationExecutor(connection).loader.project_state([target]).apps


def previous():
    """The newsroom migration 0010 comes after, whatever its number."""
    migration = MigrationExecutor(connection).loader.get_migration(*MIGRATION)
    return next(dependency for dependency in migration.dependencies if dependency[0] == "newsroom")


# Serialised rollback: the tests after this one find the database as it was.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_release_tags_become_topics_with_their_slugs_and_back():
    apps = migrate(previous())
    ContentType = apps.get_model("contenttypes", "ContentType")
    Tag = apps.get_model("taggit", "Tag")
    TaggedItem = apps.get_model("taggit", "TaggedItem")
    PressRelease = apps.get_model("newsroom", "PressRelease")
    release_type, _created = ContentType.objects.get_or_create(
        app_label="newsroom", model="pressrelease"
    )
    first = PressRelease.objects.create(title="First", slug="first", lead="Lead.")
    second = PressRelease.objects.create(title="Second", slug="second", lead="Lead.")
    youth = Tag.objects.create(name="Youth", slug="youth-and-sport")
    security = Tag.objects.create(name="security", slug="security")
    Tag.objects.create(name="unused", slug="unused")
    for release, tag in [(first, youth), (first, security), (second, youth)]:
        TaggedItem.objects.create(content_type=release_type, object_id=release.pk, tag=tag)
    # A row whose release is gone: generic keys do not cascade.
    TaggedItem.objects.create(content_type=release_type, object_id=999, tag=security)

    apps = migrate(MIGRATION)
    Topic = apps.get_model("newsroom", "Topic")
    TaggedTopic = apps.get_model("newsroom", "TaggedTopic")
    assert sorted(Topic.objects.values_list("name", "slug")) == [
        ("Youth", "youth-and-sport"),
        ("security", "security"),
        ("unused", "unused"),
    ]
    assert sorted(TaggedTopic.objects.values_list("content_object__slug", "tag__slug")) == [
        ("first", "security"),
        ("first", "youth-and-sport"),
        ("second", "youth-and-sport"),
    ]
    # taggit's tables are left empty: everything in them now lives as topics.
    assert not apps.get_model("taggit", "TaggedItem").objects.exists()
    assert not apps.get_model("taggit", "Tag").objects.exists()

    apps = migrate(previous())
    TaggedItem = apps.get_model("taggit", "TaggedItem")
    assert sorted(TaggedItem.objects.values_list("object_id", "tag__slug")) == [
        (first.pk, "security"),
        (first.pk, "youth-and-sport"),
        (second.pk, "youth-and-sport"),
    ]
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes("newsroom")[0])
