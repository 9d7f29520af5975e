from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "disctrack.surveys"
    label = "surveys"
    verbose_name = "Patient questionnaires"
