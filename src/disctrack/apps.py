from django.apps import AppConfig


class WiringConfig(AppConfig):
    """The project itself, installed last: it connects the apps (see wiring.py)."""

    name = "disctrack"
    label = "disctrack"
    verbose_name = "DiscTrack"

    def ready(self) -> None:
        from disctrack import wiring

        wiring.connect()
