from django.apps import AppConfig
from django.db.backends.signals import connection_created


class RegistryConfig(AppConfig):
    name = "disctrack.registry"
    label = "registry"
    verbose_name = "Registry"

    def ready(self) -> None:
        from disctrack.registry import checks  # noqa: F401  (registers the start-up checks)
        from disctrack.registry.audit_guard import register_sqlite_function

        connection_created.connect(register_sqlite_function, dispatch_uid="disctrack-audit-guard")
