"""The permission names the workflow and the admin check, defined once.

``publish`` and ``withdraw`` are the custom permissions of ``PressRelease``
(its ``Meta.permissions``); the groups that hold them come from migration
0002_staff_groups.
"""

ADD_RELEASE = "newsroom.add_pressrelease"
CHANGE_RELEASE = "newsroom.change_pressrelease"
DELETE_RELEASE = "newsroom.delete_pressrelease"
PUBLISH_RELEASE = "newsroom.publish_pressrelease"
WITHDRAW_RELEASE = "newsroom.withdraw_pressrelease"

# Bulk imports are an editor's task: adding releases and being allowed to publish them.
IMPORT_RELEASES = (ADD_RELEASE, PUBLISH_RELEASE)

# The staff groups and what their work needs. Kept current after every migrate (and every
# flush of a test database) by ``ensure_staff_groups``; migration 0002 made them first.
CONTRIBUTOR_PERMISSIONS = {
    "newsroom": [
        "add_pressrelease", "change_pressrelease", "view_pressrelease",
        "add_participant", "change_participant", "delete_participant", "view_participant",
        "add_photo", "change_photo", "delete_photo", "view_photo",
        "view_organisation", "view_organisationrelation", "view_document", "view_person",
        "view_office", "view_appointment", "view_pressreleasetransition",
        "add_topic", "view_topic",
    ],
}  # fmt: skip
EDITOR_PERMISSIONS = {
    "newsroom": None,  # all of them
    # Editors unlock colleagues locked out after failed sign-ins.
    "axes": ["view_accessattempt", "delete_accessattempt", "view_accessfailurelog"],
}
STAFF_GROUPS = {"Contributors": CONTRIBUTOR_PERMISSIONS, "Editors": EDITOR_PERMISSIONS}


def ensure_staff_groups(sender, apps=None, **kwargs):
    """Create the staff groups, or give them back permissions they lack (a post_migrate hook)."""
    if sender.label != "newsroom":
        return
    from django.apps import apps as installed_apps
    from django.contrib.auth.management import create_permissions

    apps = apps or installed_apps
    # Permissions of apps whose post_migrate comes after this one do not exist yet. The
    # installed configs say which apps have models; ``apps`` (a migration state's, or the
    # installed ones after a flush) is where their permissions are made.
    for app_config in installed_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, needs in STAFF_GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        for app_label, codenames in needs.items():
            permissions = Permission.objects.filter(content_type__app_label=app_label)
            if codenames is not None:
                permissions = permissions.filter(codename__in=codenames)
            group.permissions.add(*permissions)
