"""The patient's questionnaire pages, mounted at /s/ (no log-in: the token is the key)."""

from django.urls import path

from disctrack.surveys.views import patient

urlpatterns = [
    path("<str:token>/", patient.start, name="survey-start"),
    path("<str:token>/q/<int:number>/", patient.step, name="survey-step"),
    path("<str:token>/saved/", patient.saved, name="survey-saved"),
    path("<str:token>/review/", patient.review, name="survey-review"),
    path("<str:token>/done/", patient.done, name="survey-done"),
]
