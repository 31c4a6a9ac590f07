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
