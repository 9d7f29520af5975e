from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "disctrack.followup"
    label = "followup"
    verbose_name = "Follow-up"

    def ready(self) -> None:
        from disctrack.followup import checks  # noqa: F401  (registers the start-up check)
