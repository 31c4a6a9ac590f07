from django.apps import AppConfig
from django.db.models.signals import post_migrate


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        # The editorial layer announces changes readers can see; the public
        # site's page cache listens. Neither imports the other's receivers.
        from newsroom import permissions, renditions, text, uploads
        from newsroom.editorial import notifications, signals
        from newsroom.site import cache, warmup

        signals.connect()
        cache.connect()
        # Background work: a photo's renditions, workflow mail, warming the page cache.
        renditions.connect()
        notifications.connect()
        warmup.connect()
        text.connect()
        uploads.limit_pillow()
        # Also after every flush of a test database, which empties the groups' table.
        post_migrate.connect(permissions.ensure_staff_groups, dispatch_uid="newsroom-staff-groups")
