from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "disctrack.interop"
    label = "interop"
