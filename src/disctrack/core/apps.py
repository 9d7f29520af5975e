from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "disctrack.core"
    label = "core"
    verbose_name = "DiscTrack core"
