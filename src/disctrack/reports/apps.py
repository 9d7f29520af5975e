from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "disctrack.reports"
    label = "reports"
