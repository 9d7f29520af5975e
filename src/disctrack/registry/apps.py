from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "disctrack.registry"
    label = "registry"
    verbose_name = "Registry"

    def ready(self) -> None:
        from disctrack.registry import checks  # noqa: F401  (registers the start-up checks)
