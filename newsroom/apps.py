from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        # The editorial layer announces changes readers can see; the public
        # site's page cache listens. Neither imports the other's receivers.
        from newsroom import text
        from newsroom.editorial import signals
        from newsroom.site import cache

        signals.connect()
        cache.connect()
        text.connect()
