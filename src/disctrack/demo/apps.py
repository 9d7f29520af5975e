from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "disctrack.demo"
    label = "demo"
