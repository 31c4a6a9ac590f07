"""Create the Contributors and Editors groups with the permissions their work needs."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTRIBUTOR_PERMISSIONS = {
    "newsroom": [
        "add_pressrelease", "change_pressrelease", "view_pressrelease",
        "add_participant", "change_participant", "delete_participant", "view_participant",
        "add_photo", "change_photo", "delete_photo", "view_photo",
        "view_organisation", "view_organisationrelation", "view_document", "view_person",
        "view_office", "view_appointment", "view_pressreleasetransition",
    ],
    "taggit": ["add_tag", "view_tag"],
}  # fmt: skip

EDITOR_EXTRA_APPS = ["newsroom", "taggit"]


def ensure_permissions(apps):
    # Permissions are normally created after all migrations have run; the
    # groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None


def create_groups(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    contributors, _ = Group.objects.get_or_create(name="Contributors")
    for app_label, codenames in CONTRIBUTOR_PERMISSIONS.items():
        contributors.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )

    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label__in=EDITOR_EXTRA_APPS)
    )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Contributors", "Editors"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
